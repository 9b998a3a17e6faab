// SlicerServer module.
