// SlicerFetch module.
