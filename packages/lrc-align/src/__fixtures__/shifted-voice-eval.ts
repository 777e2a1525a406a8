import { resample } from "@autosing/audio-codec";
import { mulberry32 } from "@autosing/base";
import { synthesize } from "@autosing/espeak";

import type { G2p } from "../g2p.js";
import { EVAL_LYRICS, type OnsetErrorReport, alignAndScore, warpAudio } from "./onset-eval.js";

/**
 * The test set of issue #13 for a voice the DTW default was not built around: eSpeak speech in
 * voice en-gb+f3, pitch-shifted by +300 cents, slowed to tempo 0.8, with random 0.2–0.6 s
 * silences inserted between words or phrases. Seeded: the seed draws where the gaps go and how
 * long they are.
 */
export interface ShiftedVoiceOptions {
  readonly voice?: string;
  /** Pitch shift in cents (default +300). */
  readonly cents?: number;
  /** Tempo (default 0.8: the audio lasts 1/0.8 as long). */
  readonly tempo?: number;
  /** Gap length range in seconds (default 0.2–0.6). */
  readonly minGap?: number;
  readonly maxGap?: number;
  /**
   * Chance of a gap before each word after the first (default 1: a gap between every two words,
   * the hardest case; 0.3 leaves most words run together, like phrases).
   */
  readonly gapChance?: number;
}

export interface ShiftedSpeech {
  readonly samples: Float32Array;
  readonly sampleRate: number;
  /** True word starts in `samples`, seconds. */
  readonly wordStarts: number[];
}

/**
 * Renders the shifted-voice audio. Pitch shift as librosa's `effects.pitch_shift` does it
 * (time-stretch, then resample; formants move with the pitch): resampling by 2^(cents/1200)
 * raises the pitch and shortens the audio, a WSOLA stretch then sets the duration to 1/tempo of
 * the original. Gaps are cut in afterwards at word starts, so they keep their drawn length.
 */
export async function renderShiftedSpeech(seed: number, lyrics: readonly string[] = EVAL_LYRICS, options: ShiftedVoiceOptions = {}): Promise<ShiftedSpeech> {
  const { voice = "en+f3", cents = 300, tempo = 0.8, minGap = 0.2, maxGap = 0.6, gapChance = 1 } = options;
  const speech = await synthesize(lyrics.join(".\n"), { voice });
  const rate = speech.sampleRate;
  const pitchRatio = 2 ** (cents / 1200);
  // Played pitchRatio× faster: pitch up by `cents`, duration ÷ pitchRatio.
  const raised = await resample(speech.samples, Math.round(rate * pitchRatio), rate);
  const stretch = pitchRatio / tempo;
  const slowed = warpAudio(raised, rate, seed, { minStretch: stretch, maxStretch: stretch, maxGap: 0, preservePitch: true });
  const timeScale = (t: number) => slowed.map(t / pitchRatio);

  const random = mulberry32(seed * 7919 + 1);
  const starts = speech.words.map((w) => timeScale(w.start));
  const gaps = starts.map((_, i) => (i > 0 && random() < gapChance ? minGap + (maxGap - minGap) * random() : 0));
  // Cut each gap at the midpoint between the previous word's end and this word's start, so no
  // sound of either word is split.
  const cuts = speech.words.map((w, i) => {
    const previousEnd = i > 0 ? timeScale(speech.words[i - 1]?.end ?? w.start) : 0;
    return Math.round(((previousEnd + timeScale(w.start)) / 2) * rate);
  });
  const totalGap = gaps.reduce((a, b) => a + Math.round(b * rate), 0);
  const out = new Float32Array(slowed.samples.length + totalGap);
  let read = 0;
  let write = 0;
  let shift = 0;
  const wordStarts: number[] = [];
  speech.words.forEach((_, i) => {
    const gap = Math.round((gaps[i] ?? 0) * rate);
    if (gap > 0) {
      const cut = Math.max(read, Math.min(slowed.samples.length, cuts[i] ?? read));
      out.set(slowed.samples.subarray(read, cut), write);
      write += cut - read;
      read = cut;
      write += gap;
      shift += gap / rate;
    }
    wordStarts.push((starts[i] ?? 0) + shift);
  });
  out.set(slowed.samples.subarray(read), write);
  return { samples: out, sampleRate: rate, wordStarts };
}

/** Word-onset error of the DTW default on the shifted-voice set for one seed. */
export async function measureShiftedVoice(
  g2p: G2p,
  seed: number,
  lyrics: readonly string[] = EVAL_LYRICS,
  options: ShiftedVoiceOptions = {},
): Promise<OnsetErrorReport> {
  const speech = await renderShiftedSpeech(seed, lyrics, options);
  return alignAndScore(g2p, speech.samples, speech.sampleRate, lyrics, speech.wordStarts);
}
