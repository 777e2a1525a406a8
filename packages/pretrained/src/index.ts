export { PretrainedError, PretrainedSourceError } from "./errors.js";
export type { ImportContext, ImportedModel, ImporterOption, ModelImporter, ModelKind } from "./importer.js";
export { type UpstreamFile, type UpstreamTensor, openUpstreamFile, stateDictUnder } from "./upstream-file.js";
export { T2S_IMPORTER } from "./upstream-checkpoints/t2s-importer.js";
export { SM2A_IMPORTER } from "./upstream-checkpoints/sm2a-importer.js";
export { ARTIST_EMB_IMPORTER } from "./upstream-checkpoints/artist-emb-importer.js";
export {
  BN_WHISPER_CONTRACT,
  BN_WHISPER_FILES,
  BN_WHISPER_IMPORTER,
  BN_WHISPER_INPUT,
  BN_WHISPER_OUTPUT,
  type BnWhisperConfig,
  type BnWhisperGraphSpec,
  type BnWhisperTunables,
  type ParameterShapes,
  SEMANTIC_EMBEDDINGS_TENSOR,
  type WhisperDimensions,
  bnWhisperShapes,
  emitBnWhisperGraph,
  whisperEncoderShapes,
} from "./bn-whisper/index.js";
export {
  type OpenedSnac,
  type SnacConfig,
  type SnacModelFacts,
  type SnacShape,
  SNAC_GRAPH_NAMES,
  SNAC_IMPORTER,
  SNAC_WEIGHT_FILES,
  SnacWeights,
  emitSnacDecoder,
  emitSnacEncoder,
  foldWeightNorm,
  openSnacDirectory,
  parseSnacConfig,
  snacModelFacts,
  snacTensorSpecs,
} from "./snac/index.js";
export * from "./frame-classifier/index.js";
export { MODEL_IMPORTERS, importerFor } from "./importers.js";
export * from "./separator/index.js";
export * from "./models-directory/index.js";
