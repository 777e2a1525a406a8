import { mulberry32 } from "@autosing/base";
import { synthesize } from "@autosing/espeak";

import { alignWithDtw } from "../dtw-aligner.js";
import type { G2p } from "../g2p.js";

export const EVAL_LYRICS = [
  "twinkle twinkle little star",
  "how I wonder what you are",
  "up above the world so high",
  "like a diamond in the sky",
  "when the blazing sun is gone",
  "when he nothing shines upon",
  "then you show your little light",
  "twinkle twinkle all the night",
];

/** Audio whose time axis was warped piecewise, with the map from original to warped seconds. */
export interface Warped {
  samples: Float32Array;
  map: (t: number) => number;
}

interface WarpPiece {
  inStart: number;
  inEnd: number;
  outStart: number;
  factor: number;
}

/**
 * Piecewise time warp: segments of 0.4–1.2 s are stretched by factors in [minStretch, maxStretch]
 * and silences of up to `maxGap` seconds are inserted at some segment boundaries, like a singer
 * holding or rushing notes and pausing. `preservePitch` renders it with WSOLA (pitch and formants
 * kept); otherwise by linear interpolation (pitch and formants move by 1/factor, harder).
 * Deterministic per seed.
 */
export function warpAudio(
  samples: Float32Array,
  sampleRate: number,
  seed: number,
  options: { minStretch?: number; maxStretch?: number; maxGap?: number; preservePitch?: boolean } = {},
): Warped {
  const { minStretch = 0.8, maxStretch = 1.6, maxGap = 0.6, preservePitch = true } = options;
  const random = mulberry32(seed);
  const pieces: WarpPiece[] = [];
  let inPos = 0;
  let outPos = 0;
  while (inPos < samples.length) {
    if (pieces.length > 0 && random() < 0.3) outPos += Math.round(random() * maxGap * sampleRate);
    const inEnd = Math.min(samples.length, inPos + Math.round((0.4 + 0.8 * random()) * sampleRate));
    const factor = minStretch + (maxStretch - minStretch) * random();
    pieces.push({ inStart: inPos, inEnd, outStart: outPos, factor });
    outPos += Math.round((inEnd - inPos) * factor);
    inPos = inEnd;
  }
  const out = new Float32Array(outPos);
  // Output sample → input position (NaN inside inserted silences).
  const inverse = (n: number): number => {
    for (const p of pieces) {
      const outEnd = p.outStart + Math.round((p.inEnd - p.inStart) * p.factor);
      if (n >= p.outStart && n < outEnd) return p.inStart + (n - p.outStart) / p.factor;
    }
    return Number.NaN;
  };
  if (!preservePitch) {
    for (let n = 0; n < out.length; n++) {
      const x = inverse(n);
      if (Number.isNaN(x)) continue;
      const i = Math.min(samples.length - 1, Math.floor(x));
      const frac = x - i;
      out[n] = (samples[i] ?? 0) * (1 - frac) + (samples[Math.min(samples.length - 1, i + 1)] ?? 0) * frac;
    }
  } else {
    // WSOLA: Hann frames at a fixed synthesis hop, each taken near its warped input position at
    // the offset that best continues the previous frame's waveform.
    const size = Math.round(0.04 * sampleRate) & ~1;
    const hop = size / 2;
    const tolerance = Math.round(0.01 * sampleRate);
    const window = Float32Array.from({ length: size }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / size));
    let previous = Number.NaN;
    for (let n = 0; n + size <= out.length + hop; n += hop) {
      const target = inverse(Math.min(out.length - 1, n + hop));
      if (Number.isNaN(target)) {
        previous = Number.NaN;
        continue;
      }
      let best = Math.round(target - hop);
      if (!Number.isNaN(previous)) {
        const natural = previous + hop;
        let bestScore = -Infinity;
        for (let delta = -tolerance; delta <= tolerance; delta += 2) {
          const candidate = Math.round(target - hop) + delta;
          let score = 0;
          for (let i = 0; i < hop; i += 4) score += (samples[natural + i] ?? 0) * (samples[candidate + i] ?? 0);
          if (score > bestScore) {
            bestScore = score;
            best = candidate;
          }
        }
      }
      for (let i = 0; i < size && n + i < out.length; i++) out[n + i] = (out[n + i] ?? 0) + (samples[best + i] ?? 0) * (window[i] ?? 0);
      previous = best;
    }
  }
  const map = (t: number): number => {
    const s = t * sampleRate;
    const piece = pieces.find((p) => s < p.inEnd) ?? pieces.at(-1);
    if (piece === undefined) return t;
    return (piece.outStart + (s - piece.inStart) * piece.factor) / sampleRate;
  };
  return { samples: out, map };
}

export interface OnsetErrorReport {
  words: number;
  meanAbsError: number;
  medianAbsError: number;
  within100ms: number;
  within250ms: number;
  audioSeconds: number;
  alignSeconds: number;
  /** CPU seconds of the alignment (wall time is inflated on a shared machine). */
  alignCpuSeconds: number;
}

/**
 * Word-onset error of the DTW aligner on speech with known timings: eSpeak speaks the lyrics in a
 * different voice and rate than the aligner's reference (truth = eSpeak's word events), the audio
 * is time-warped, the aligner aligns it, and its word starts are compared to the warped truth.
 */
export async function measureOnsetError(g2p: G2p, seed = 1, preservePitch = true, lyrics: readonly string[] = EVAL_LYRICS): Promise<OnsetErrorReport> {
  const speech = await synthesize(lyrics.join(".\n"), { voice: "en-gb-x-rp+m2", rate: 120, pitch: 40 });
  const warped = warpAudio(speech.samples, speech.sampleRate, seed, { preservePitch });
  return alignAndScore(g2p, warped.samples, speech.sampleRate, lyrics, speech.words.map((w) => warped.map(w.start)));
}

/** Aligns `samples` to the lyrics with the DTW default and scores its word starts against the true ones. */
export async function alignAndScore(g2p: G2p, samples: Float32Array, sampleRate: number, lyrics: readonly string[], trueStarts: readonly number[]): Promise<OnsetErrorReport> {
  const started = performance.now();
  const cpuStart = process.cpuUsage();
  const { alignment } = await alignWithDtw({ samples, sampleRate, lyrics: { raw: lyrics.join("\n") }, g2p });
  const alignSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const starts = alignment.wordSpans.starts;
  if (starts.length !== trueStarts.length) throw new Error(`word counts differ: ${starts.length} aligned vs ${trueStarts.length} spoken`);
  const errors = trueStarts.map((t, i) => Math.abs((starts[i] ?? Number.NaN) - t));
  const sorted = [...errors].sort((a, b) => a - b);
  return {
    words: errors.length,
    meanAbsError: errors.reduce((a, b) => a + b, 0) / errors.length,
    medianAbsError: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    within100ms: errors.filter((e) => e <= 0.1).length / errors.length,
    within250ms: errors.filter((e) => e <= 0.25).length / errors.length,
    audioSeconds: samples.length / sampleRate,
    alignSeconds,
    alignCpuSeconds: (cpu.user + cpu.system) / 1e6,
  };
}
