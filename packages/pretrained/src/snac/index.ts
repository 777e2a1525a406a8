export { type SnacConfig, type SnacShape, SNAC_CONFIG_DEFAULTS, parseSnacConfig } from "./config.js";
export { SNAC_GRAPH_NAMES, emitSnacDecoder, emitSnacEncoder } from "./graphs.js";
export { type OpenedSnac, type SnacModelFacts, SNAC_IMPORTER, SNAC_WEIGHT_FILES, openSnacDirectory, snacModelFacts } from "./importer.js";
export { type SnacModule, type SnacTensorSpec, snacTensorSpecs } from "./layout.js";
export { SnacWeights, foldWeightNorm } from "./weights.js";
