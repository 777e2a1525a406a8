import type { ArpabetPhone } from "./arpabet.js";
import { type EspeakEngine, EspeakEngine as Engine, type ProsodyOptions, type VoiceOptions, sharedEspeakEngine } from "./engine.js";
import { type TimedPhoneme, type TimedWord, buildTimeline, splitWords } from "./timeline.js";

/** A word with its phonemes, as `phonemize` returns it. */
export interface PhonemizedWord {
  text: string;
  /** Character offset of the word in the input text. */
  offset: number;
  /** IPA phonemes without stress marks, in eSpeak's segmentation ("h", "ə", "l", "oʊ"). */
  phonemes: string[];
  /** The same pronunciation in ARPAbet without stress (39-phone charsiu set). */
  arpabet: ArpabetPhone[];
}

/** Speech from eSpeak with its word and phoneme timings (seconds from the start of `samples`). */
export interface Synthesis {
  samples: Float32Array;
  sampleRate: number;
  words: TimedWord[];
  phonemes: TimedPhoneme[];
}

function countPhonemes(engine: EspeakEngine, voice: string | undefined): (word: string) => number {
  return (word) =>
    engine.synthesizeRaw(word, voice === undefined ? {} : { voice }).events.filter(
      (e) => e.type === "phoneme" && typeof e.id === "string" && e.id !== "",
    ).length;
}

/**
 * Text to per-word phonemes (IPA and ARPAbet). Words are runs of letters/digits (with inner
 * apostrophes or hyphens); punctuation is dropped. Deterministic.
 */
export async function phonemize(text: string, options: VoiceOptions = {}): Promise<PhonemizedWord[]> {
  const engine = await sharedEspeakEngine();
  const raw = engine.synthesizeRaw(text, options);
  const { words } = buildTimeline(
    splitWords(text),
    raw.events,
    raw.samples.length / raw.sampleRate,
    countPhonemes(engine, options.voice),
  );
  return words.map((w) => ({ text: w.text, offset: w.offset, phonemes: w.phonemes, arpabet: w.arpabet }));
}

/**
 * Speaks `text` with eSpeak-NG and returns mono float samples (22 050 Hz) with word and phoneme
 * timings taken from eSpeak's synthesis events (millisecond resolution). Each call runs on a
 * fresh engine instance (~150 ms) with a fixed clock, so equal inputs give byte-identical samples.
 */
export async function synthesize(text: string, options: ProsodyOptions = {}): Promise<Synthesis> {
  const engine = await Engine.create();
  const raw = engine.synthesizeRaw(text, options);
  const samples = new Float32Array(raw.samples.length);
  for (let i = 0; i < samples.length; i++) samples[i] = (raw.samples[i] ?? 0) / 32768;
  const duration = samples.length / raw.sampleRate;
  const { words, phonemes } = buildTimeline(splitWords(text), raw.events, duration, countPhonemes(engine, options.voice));
  return { samples, sampleRate: raw.sampleRate, words, phonemes };
}

/** Spreads each eSpeak phoneme's span evenly over its ARPAbet phones ("ɑːɹ" → AA, R). */
export function arpabetTimeline(phonemes: readonly TimedPhoneme[]): { phone: ArpabetPhone; wordIndex: number; start: number; end: number }[] {
  const out: { phone: ArpabetPhone; wordIndex: number; start: number; end: number }[] = [];
  for (const p of phonemes) {
    const n = p.arpabet.length;
    p.arpabet.forEach((phone, i) => {
      out.push({
        phone,
        wordIndex: p.wordIndex,
        start: p.start + ((p.end - p.start) * i) / n,
        end: p.start + ((p.end - p.start) * (i + 1)) / n,
      });
    });
  }
  return out;
}
