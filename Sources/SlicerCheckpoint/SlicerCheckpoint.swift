// SlicerCheckpoint module.
