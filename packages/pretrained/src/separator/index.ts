export { type RoformerArchitecture, roformerArchitecture } from "./architecture.js";
export { type BandLayout, type MelBandLayout, bsBandLayout, melBandLayout, uncoveredBins } from "./band-layout.js";
export { type BsRoformerConfig, type MelBandRoformerConfig, type RoformerCommonConfig, type RoformerVariant, type RoformerYaml, readRoformerYaml } from "./config.js";
export { ROFORMER_GRAPH_NAMES, RoformerEmitter, type RoformerEmitterOptions } from "./graph.js";
export { DEFAULT_SEPARATOR_CHECKPOINT, SEPARATOR_IMPORTER } from "./importer.js";
export { RoformerWeights, roformerShapes } from "./weights.js";
