// The onnxruntime-node plumbing every ONNX user of autosing shares: sessions on the bundled CPU
// execution provider, tensor constructors, and a graph builder for the graphs we write ourselves.
// It sits below audio-codec, semantic-tokens, separation and nn (docs/decisions/0005-layer-order.md),
// so that their ONNX adapters need neither TensorFlow.js nor the neural building blocks.
export { OnnxError, OnnxModelError, OnnxModelFileError } from "./errors.js";
export { OnnxFloatAttribute, OnnxGraphBuilder } from "./graph-builder.js";
export type { OnnxAttributeValue, OnnxDimension, OnnxElementType, OnnxExternalDataOptions, OnnxModelOptions, OnnxWriteOptions, OnnxWrittenModel } from "./graph-builder.js";
export { float32Tensor, int32Tensor, int64Tensor, openOnnxSession } from "./session.js";
export type { InferenceSession, SessionOptions, Tensor } from "./session.js";
export { openSyncOnnxSession } from "./sync-session.js";
export type { SyncOnnxSession, SyncSessionOptions } from "./sync-session.js";
