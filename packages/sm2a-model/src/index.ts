// The semantic + music + artist → acoustic-token model (AutoSing SM2ATransformer): definition with
// upstream parameter names, TensorFlow.js forward/loss for training, ONNX export and generation.
export { AUTOSING_SM2A_DATA, DEFAULT_SM2A_TUNABLES, sm2aConfigForSize, sm2aDimensions, SM2A_SIZES } from "./config.js";
export type { SM2AConfig, SM2ADimensions, SM2ASize, SM2ATunables } from "./config.js";
export { SM2AConfigError, SM2AInputError, SM2AModelError } from "./errors.js";
export { sm2aAcousticShape, sm2aParameterSpecs } from "./parameters.js";
export type { SM2AParameterOptions } from "./parameters.js";
export { SM2A_CHECKPOINT_ROWS, SM2ATfModel } from "./tf-model.js";
export type { SM2ABatch, SM2AEncoded, SM2ALossResult } from "./tf-model.js";
export { exportSM2AOnnx, SM2A_ONNX_NAMES } from "./onnx-export.js";
export type { SM2AExportOptions, SM2AOnnxModels } from "./onnx-export.js";
export { SM2AGenerator } from "./generate.js";
export type { SM2AGenerateOptions, SM2AGenerateResult } from "./generate.js";
export { parseSM2AConfig, parseSM2ATunables, SM2A_CONFIG_SCHEMA, SM2A_TUNABLES_SCHEMA } from "./config-schema.js";
export { SM2A_MODEL } from "./model-definition.js";
export { loadSM2ACheckpoint, saveSM2ACheckpoint } from "./checkpoint.js";
export type { SM2ACheckpoint } from "./checkpoint.js";
export { openSM2AExport, SM2A_DECODER_FILE, SM2A_ENCODER_FILE, SM2A_EXPORT_CONFIG_FILE, SM2A_EXPORT_LAYOUT, writeSM2AExport } from "./export-files.js";
export { SM2A_SEMANTIC_EMBEDDING_KEY, SM2ATrainableModel } from "./trainable.js";
export type { SM2AHostBatch } from "./trainable.js";
