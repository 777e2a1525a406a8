export { type Wav2Vec2Activation, type Wav2Vec2Config, framesFor, parseWav2Vec2Config, samplesPerFrame } from "./config.js";
export { FRAME_CLASSIFIER_INPUT, FRAME_CLASSIFIER_OUTPUT, type FrameClassifierGraphSpec, emitFrameClassifierGraph, foldKernelWeightNorm } from "./graph.js";
export { FRAME_CLASSIFIER_FILES, FRAME_CLASSIFIER_IMPORTER, FRAME_CLASSIFIER_WEIGHT_FILES } from "./importer.js";
export { type FrameHead, type WeightNormKeys, WAV2VEC2_PREFIX, detectLayout, wav2vec2Shapes } from "./parameters.js";
