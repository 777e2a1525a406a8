// The graph builder lives in @autosing/onnx (below audio-codec, whose ONNX adapters build graphs
// too); the emitter modules of this folder import it from here.
export { OnnxFloatAttribute, OnnxGraphBuilder } from "@autosing/onnx";
export type { OnnxAttributeValue, OnnxDimension, OnnxElementType, OnnxModelOptions } from "@autosing/onnx";
