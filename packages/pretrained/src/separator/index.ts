export { type MelBandLayout, melBandLayout, uncoveredBins } from "./band-layout.js";
export { type MelBandRoformerConfig, type RoformerYaml, readRoformerYaml } from "./config.js";
export { MelBandRoformerEmitter, ROFORMER_GRAPH_NAMES } from "./graph.js";
export { DEFAULT_SEPARATOR_CHECKPOINT, SEPARATOR_IMPORTER } from "./importer.js";
export { RoformerWeights, melBandRoformerShapes } from "./weights.js";
