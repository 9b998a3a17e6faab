// SlicerWire module.
