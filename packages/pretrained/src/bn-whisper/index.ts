export { type BnWhisperConfig, type BnWhisperTunables, type WhisperDimensions, codebookSize, readBnWhisperConfig, readBnWhisperTunables, readWhisperDimensions } from "./config.js";
export { BN_WHISPER_CONTRACT, checkBnWhisperContract } from "./contract.js";
export { BN_WHISPER_INPUT, BN_WHISPER_OUTPUT, type BnWhisperGraphSpec, emitBnWhisperGraph } from "./graph.js";
export { BN_WHISPER_FILES, BN_WHISPER_IMPORTER, SEMANTIC_EMBEDDINGS_TENSOR } from "./importer.js";
export { type ParameterShapes, bnWhisperShapes, whisperEncoderShapes } from "./parameters.js";
