// SlicerTUI module.
