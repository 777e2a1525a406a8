export {
  HALF_CHUNK_SECONDS,
  SEMANTIC_NUM_CODES,
  SEMANTIC_PAD_TOKEN,
  SEMANTIC_SAMPLE_RATE,
  SEMANTIC_TOKENS_PER_SECOND,
  TOKENS_PER_HALF_CHUNK,
  encodeChunk,
  tokenCountForSamples,
  validateSemanticAudio,
} from "./tokenizer.js";
export type { SemanticTokenizer } from "./tokenizer.js";
export { WHISPER_INPUT_FRAMES, WHISPER_MEL_PAD_VALUE, whisperEncoderInput } from "./whisper-input.js";
export type { WhisperInput } from "./whisper-input.js";
export { BN_WHISPER_OUTPUT_TOKENS, loadBnWhisperOnnx } from "./bn-whisper-onnx.js";
export type { BnWhisperOnnxOptions } from "./bn-whisper-onnx.js";
export {
  createDefaultTokenizer,
  fitDefaultTokenizer,
  loadDefaultTokenizer,
  parseDefaultTokenizer,
  semanticFeatures,
  serializeDefaultTokenizer,
} from "./default-tokenizer.js";
export type { DefaultTokenizerModel, FitDefaultTokenizerOptions } from "./default-tokenizer.js";
export { TokenizerSpecError, loadSemanticTokenizer } from "./load-tokenizer.js";
export {
  InvalidSemanticAudioError,
  SemanticModelContractError,
  SemanticTokensError,
  TokenizerFileError,
} from "./errors.js";
