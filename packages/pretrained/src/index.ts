export { PretrainedError, PretrainedSourceError } from "./errors.js";
export type { ImportContext, ImportedModel, ImporterOption, ModelImporter, ModelKind } from "./importer.js";
export { type UpstreamFile, type UpstreamTensor, openUpstreamFile, stateDictUnder } from "./upstream-file.js";
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
