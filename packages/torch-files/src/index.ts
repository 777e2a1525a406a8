// @autosing/torch-files: PyTorch files (torch.save zip archives and legacy pickles) read without
// Python by a restricted unpickler that rebuilds tensors and plain values and never runs code.
export { TorchFileError, TorchFilesError } from "./errors.js";
export { type TorchFile, openTorchFile } from "./torch-file.js";
export { TorchStorage, TorchTensor } from "./torch-tensor.js";
export { DTYPE_SIZES, type TorchDtype } from "./dtypes.js";
export { PickleGlobal, PickleObject, TorchDtypeValue, describePickleValue, isInert } from "./pickle-values.js";
export { ALLOWED_CALLABLES, AllowedCallable, TorchStorageType, resolveGlobal } from "./allowed-globals.js";
export { type ByteSource, MemoryByteSource } from "./byte-source.js";
export { type UnpickleRequest, type UnpickleResult, unpickle } from "./unpickler.js";
