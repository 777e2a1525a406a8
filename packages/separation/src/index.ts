// Source separation for autosing: the separator contract (a chunk of a mix in, vocals and
// instrumental out) and its adapters, shared by the src_sep processing step and by sing.
// GPL-free on purpose: inference imports it (docs/decisions/0004-espeak-gpl.md, 0005-layer-order.md).
export type { SeparatedStems, SourceSeparator } from "./separator.js";
export { MDX_SAMPLE_RATE, loadMdxOnnxSeparator } from "./mdx-onnx.js";
export type { MdxOnnxOptions } from "./mdx-onnx.js";
export { createTruthSeparator } from "./truth-separator.js";
export { loadSeparator } from "./load-separator.js";
export { loadRoformerSeparator } from "./roformer-onnx.js";
export type { RoformerOptions } from "./roformer-onnx.js";
export { ROFORMER_GRAPH_FILE, ROFORMER_MODEL_FILE } from "./roformer-model-file.js";
export { ROFORMER_KINDS, type RoformerKind, type RoformerModelFile } from "./roformer-model-file.js";
export { type DemixPlan, OverlapAdd, demixPlan, hammingWindow } from "./roformer-demix.js";
export { normalizePeak, peakScale } from "./peak-normalize.js";
export { RoformerModelError, SeparationError, SeparatorContractError, SeparatorOptionError, TruthChunkError, TruthStemsMissingError } from "./errors.js";
