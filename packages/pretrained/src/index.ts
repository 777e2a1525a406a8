export { PretrainedError, PretrainedSourceError } from "./errors.js";
export type { ImportContext, ImportedModel, ImporterOption, ModelImporter, ModelKind } from "./importer.js";
export { type UpstreamFile, type UpstreamTensor, openUpstreamFile, stateDictUnder } from "./upstream-file.js";
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
