// The text+music → semantic-token model (AutoSing TM2STransformer): definition with upstream
// parameter names, TensorFlow.js forward/loss for training, ONNX export and generation.
export { AUTOSING_T2S_DATA, cpsBin, DEFAULT_T2S_TUNABLES, t2sConfigForSize, t2sDimensions, T2S_SIZES } from "./config.js";
export type { T2SConfig, T2SDimensions, T2SSize, T2STunables } from "./config.js";
export { T2SConfigError, T2SInputError, T2SModelError } from "./errors.js";
export { LANGUAGES, languageId } from "./languages.js";
export { t2sEmbeddingShapes, t2sParameterSpecs } from "./parameters.js";
export type { T2SParameterOptions } from "./parameters.js";
export { T2STfModel } from "./tf-model.js";
export type { T2SBatch, T2SEncoded } from "./tf-model.js";
export { exportT2SOnnx, T2S_ONNX_NAMES } from "./onnx-export.js";
export type { T2SExportOptions, T2SOnnxModels } from "./onnx-export.js";
export { T2SGenerator } from "./generate.js";
export { encodeLyrics, encodeText, END_OF_TEXT } from "./lyrics.js";
export type { EncodedLyrics } from "./lyrics.js";
export type { T2SGenerateOptions } from "./generate.js";
export { parseT2SConfig, parseT2STunables, T2S_CONFIG_SCHEMA, T2S_TUNABLES_SCHEMA } from "./config-schema.js";
export { T2S_MODEL } from "./model-definition.js";
export { loadT2SCheckpoint, saveT2SCheckpoint } from "./checkpoint.js";
export type { T2SCheckpoint } from "./checkpoint.js";
export { T2S_SEMANTIC_EMBEDDING_KEY, T2STrainableModel } from "./trainable.js";
export type { T2SHostBatch } from "./trainable.js";
export { openT2SExport, T2S_DECODER_FILE, T2S_ENCODER_FILE, T2S_EXPORT_CONFIG_FILE, T2S_EXPORT_LAYOUT, writeT2SExport } from "./export-files.js";
