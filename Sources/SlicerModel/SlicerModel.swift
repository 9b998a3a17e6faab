// SlicerModel module.
