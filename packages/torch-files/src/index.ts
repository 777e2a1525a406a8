// @autosing/torch-files: the restricted PyTorch-file reader (issue #12). Scaffold: the reader
// itself lands with the torch-files slice; until then this package exports nothing.
export {};
