export type { AudioData } from "./audio.js";
export { assertFiniteSamples, audioDuration, audioLength, firstChannel, mixToMono, validateAudio } from "./audio.js";
export type { AudioFormat, DecodeOptions } from "./decode.js";
export { decodeAudio, detectAudioFormat } from "./decode.js";
export type { EncodeFormat, EncodeOptions } from "./encode.js";
export { encodeAudio } from "./encode.js";
export {
  AudioCodecError,
  CodecFileError,
  CodecLoadError,
  CodecSpecError,
  CorruptAudioError,
  EmptyAudioError,
  InvalidAudioParameterError,
  NonFiniteSampleError,
  TokenRangeError,
  TokenShapeError,
  UnknownAudioFormatError,
} from "./errors.js";
export type { ResampleOptions, ResampleQuality } from "./resample.js";
export { resample, resampleAudio } from "./resample.js";
export type { WavSampleFormat } from "./wav.js";
export { decodeWav, encodeWav } from "./wav.js";
export { irfft, rfft } from "./fft.js";
export type { GriffinLimOptions } from "./griffin-lim.js";
export { griffinLim } from "./griffin-lim.js";
export type { LogMel, MelFilterbank, MelFilterbankOptions, MelScale } from "./mel.js";
export {
  WHISPER_HOP_LENGTH,
  WHISPER_N_FFT,
  WHISPER_N_MELS,
  WHISPER_N_SAMPLES,
  WHISPER_SAMPLE_RATE,
  applyMelFilterbank,
  hzToMel,
  melFilterbank,
  melToHz,
  padOrTrim,
  whisperLogMel,
} from "./mel.js";
export { InverseMel } from "./mel-inverse.js";
export type { ComplexSpectrogram, IstftOptions, StftOptions } from "./stft.js";
export { hannWindow, istft, magnitude, reflectPad, stft } from "./stft.js";
export type { DelayPattern } from "./patterns.js";
export { applyPattern, removePattern } from "./patterns.js";
export type { Tokens } from "./tokens.js";
export { assertTokenRange, denseToSparse, flattenSnac, makeTokens, sparseToDense, unflattenSnac } from "./tokens.js";
export type { AcousticCodec } from "./codec.js";
export { SNAC_32KHZ, assertFourLevelCodec, prepareForCodec, truncateForEncode, validateDenseTokens } from "./codec.js";
export type { SnacOnnxOptions, SnacOnnxSources } from "./snac-onnx.js";
export { SNAC_ONNX_NAMES, findSnacOnnxFiles, loadSnacOnnxCodec, snacCodeName } from "./snac-onnx.js";
export { type SnacModelFile, parseSnacModelFile, readSnacModelFile } from "./snac-model-file.js";
export type { DefaultCodecConfig, DefaultCodecModel } from "./default-codec-model.js";
export { DEFAULT_CODEC_CONFIG } from "./default-codec-model.js";
export { defaultCodecFeatures } from "./default-codec-features.js";
export { type FitDefaultCodecOptions, fitDefaultCodec } from "./default-codec-fit.js";
export { createDefaultCodec } from "./default-codec.js";
export { parseDefaultCodec, serializeDefaultCodec } from "./default-codec-file.js";
export { type ReconstructionMetrics, reconstructionMetrics } from "./reconstruction-metrics.js";
export type { KMeansOptions, NearestCodes } from "./kmeans.js";
export { createOnnxNearestCodes, kMeans, kMeansWith, nearestCodesJs } from "./kmeans.js";
export { type LoadCodecOptions, loadCodec } from "./load-codec.js";
