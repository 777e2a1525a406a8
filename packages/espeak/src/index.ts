export { ARPABET_PHONES, type ArpabetPhone, ipaToArpabet, isArpabetPhone, stripStress } from "./arpabet.js";
export {
  DEFAULT_VOICE,
  EspeakEngine,
  type EspeakEvent,
  type ProsodyOptions,
  type RawSynthesis,
  type VoiceOptions,
} from "./engine.js";
export { EspeakError, EspeakLoadError, EspeakOptionError, EspeakSynthesisError } from "./errors.js";
export { type PhonemizedWord, type Synthesis, arpabetTimeline, phonemize, synthesize } from "./synthesize.js";
export { type TextWord, type TimedPhoneme, type TimedWord, buildTimeline, splitWords } from "./timeline.js";
