export { PretrainedError, PretrainedSourceError } from "./errors.js";
export type { ImportContext, ImportedModel, ImporterOption, ModelImporter, ModelKind } from "./importer.js";
export { type UpstreamFile, type UpstreamTensor, openUpstreamFile, stateDictUnder } from "./upstream-file.js";
export { MODEL_IMPORTERS, importerFor } from "./importers.js";
export * from "./models-directory/index.js";
