// The safetensors weights format (https://github.com/huggingface/safetensors): what checkpoints,
// exports and the default codec are stored in. Dependency-free, so every layer can read weights.
export { SafetensorsError, SafetensorsFormatError } from "./errors.js";
export { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from "./safetensors.js";
export type { HostTensor, NamedTensor, SafetensorsContents, StateDict } from "./safetensors.js";
