// SlicerReplay module.
