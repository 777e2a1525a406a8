// Shared neural building blocks. Until issue #7 lands, this package holds the ONNX plumbing
// every model and third-party adapter needs: building graphs and running them.
export { OnnxGraphBuilder } from "./onnx/graph-builder.js";
export type { OnnxAttributeValue, OnnxDimension, OnnxElementType, OnnxModelOptions } from "./onnx/graph-builder.js";
export { float32Tensor, int64Tensor, openOnnxSession } from "./onnx/session.js";
export type { InferenceSession, SessionOptions, Tensor } from "./onnx/session.js";
