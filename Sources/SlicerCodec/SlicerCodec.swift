// SlicerCodec module.
