// SlicerTokenizer module.
