export { ImporterContractError, ModelsDirectoryError, ModelsManifestError, ModelsUsageError } from "./errors.js";
export { type ImportModelSettings, type ImportedModelRecord, checkModelName, importModel } from "./import-model.js";
export {
  MODEL_NAME,
  MODELS_MANIFEST_FILE,
  MODELS_MANIFEST_FORMAT,
  MODELS_MANIFEST_VERSION,
  type ManifestEntry,
  type ModelSource,
  type ModelsManifest,
  emptyManifest,
  manifestPath,
  parseManifest,
  readManifest,
  readManifestIfPresent,
  serializeManifest,
} from "./manifest.js";
export { type DirectoryModelKind, IMPORTABLE_KINDS, MODEL_KINDS, MODEL_NEEDS, type ModelKindRow, type ModelNeed, isDirectoryModelKind, isImportableKind, modelKindRow } from "./model-kinds.js";
export { type ModelInPlace, recordModels } from "./record-models.js";
export { type ResolvedModels, type ResolvedNetwork, networkFor, resolveModels } from "./resolve-models.js";
export {
  SEMANTIC_EMBEDDINGS_FILE,
  SEMANTIC_EMBEDDINGS_TENSOR,
  type SemanticEmbeddings,
  readSemanticEmbeddings,
  semanticEmbeddingsFile,
  writeSemanticEmbeddings,
} from "./semantic-embeddings.js";
