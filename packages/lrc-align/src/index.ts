export {
  AlignTooManyTokensError,
  ForcedAlignInputError,
  InvalidAlignmentError,
  LrcAlignError,
  LrcParseError,
  ModelContractError,
  NoPronounceableWordsError,
  SilentAudioError,
  UnpronounceableWordError,
} from "./errors.js";
export { looksLikeLrc, parseLrc, parseRawLyrics, splitLines } from "./lrc.js";
export type { LrcLine, ParsedLrc } from "./lrc.js";
export { BLANK_ID, CHARSIU_PHONES, NUM_PHONE_CLASSES, PAD_ID, SIL_ID, UNK_ID, idToPhone, phoneToId } from "./phone-set.js";
export type { CharsiuPhone } from "./phone-set.js";
export { expandNumber, normalizeText, numberToWords, ordinalToWords, spellOutNumbers, splitWords } from "./normalize-text.js";
export { letterToSound } from "./letter-to-sound.js";
export { G2p, loadCmuDictionary } from "./g2p.js";
export type { G2pOptions, PhonemizeFallback, PronouncingDictionary, TextTokens, WordPronunciation } from "./g2p.js";
export { Alignment } from "./alignment.js";
export type { TimedSpan } from "./alignment.js";
export type { AlignmentInit, AlignmentRecord, AlignmentSpans } from "@autosing/parquet-io";
export { ALIGN_REPEATS, alignTokens, forcedAlign, mergeTokens, repeatFrames, sliceFrames } from "./forced-align.js";
export type { Emission, ForcedAlignOptions, ForcedAlignResult, TokenSpan } from "./forced-align.js";
export { alignEmission, bestLrcOffset, roundHalfEven } from "./compute-alignment.js";
export type { AlignmentResult, EmissionAlignmentInput, LyricsInput } from "./compute-alignment.js";
export { DEFAULT_CHUNK_LENGTH, DEFAULT_MIN_OCCUPANCY, activityPerSecond, computeSilence, interestingChunks } from "./activity.js";
export type { SilenceOptions } from "./activity.js";
export { FRAME_CLASSIFIER_CHUNK_SECONDS, FRAME_CLASSIFIER_SAMPLE_RATE, OnnxFrameClassifier } from "./frame-classifier.js";
export type { EmissionResult, FrameClassifierOptions } from "./frame-classifier.js";
export { espeakFallback } from "./g2p.js";
export type { BatchPhonemizeFallback } from "./g2p.js";
export { readLyrics } from "./compute-alignment.js";
export type { LyricLines } from "./compute-alignment.js";
export { alignWithDtw } from "./dtw-aligner.js";
export type { DtwAlignOptions } from "./dtw-aligner.js";
export { dtw, fullWindow, windowAroundPath } from "./dtw.js";
export type { DtwResult, DtwWindow } from "./dtw.js";
export { frameEnergyDb, mfcc, normalizeFeatures, poolFeatures, selectDims, withDeltas } from "./mfcc.js";
export type { FeatureMatrix, MfccOptions } from "./mfcc.js";
export { energyActivity, quietFrames } from "./energy-activity.js";
export type { EnergyActivityOptions } from "./energy-activity.js";
export { alignRow, computeActivity, computeAlignment } from "./api.js";
export type { AlignRowInput, ComputeAlignmentOptions, SongAlignment } from "./api.js";
