import { activityPerSecond } from "./activity.js";
import { frameEnergyDb } from "./mfcc.js";

export interface EnergyActivityOptions {
  /** Frames per second of the energy track (default 100, the frame classifier's rate). */
  readonly frameRate?: number;
  /** A frame is quiet when it is this many dB below the loud (95th percentile) level (default 35). */
  readonly dynamicRangeDb?: number;
  /** Frames quieter than this absolute level are always quiet (default −60 dBFS). */
  readonly floorDb?: number;
  /** A quiet run must be longer than this many frames to count as silence (default 100, upstream's `min_repeat`). */
  readonly minRepeat?: number;
}

/** Per-frame quietness mask (before the run-length rule) and the threshold used. */
export function quietFrames(samples: Float32Array, sampleRate: number, options: EnergyActivityOptions = {}): { quiet: boolean[]; thresholdDb: number; hop: number } {
  const frameRate = options.frameRate ?? 100;
  const hop = Math.round(sampleRate / frameRate);
  const energy = frameEnergyDb(samples, hop);
  const sorted = Float32Array.from(energy).sort();
  const loud = sorted[Math.min(sorted.length - 1, Math.floor(0.95 * sorted.length))] ?? -120;
  const thresholdDb = Math.max(options.floorDb ?? -60, loud - (options.dynamicRangeDb ?? 35));
  return { quiet: Array.from(energy, (e) => e < thresholdDb), thresholdDb, hop };
}

/**
 * Energy-based singing activity for (separated) vocals, the no-model stand-in for upstream's
 * compute_va: frames quieter than the threshold form silence when they run longer than
 * `minRepeat` frames, and a second is active when none of its frames is silent — the same
 * run-length and per-second rules as `computeSilence` / `activityPerSecond`.
 */
export function energyActivity(samples: Float32Array, sampleRate: number, options: EnergyActivityOptions = {}): boolean[] {
  const frameRate = options.frameRate ?? 100;
  const minRepeat = options.minRepeat ?? 100;
  const { quiet } = quietFrames(samples, sampleRate, options);
  const silent = new Array<boolean>(quiet.length).fill(false);
  for (let start = 0; start < quiet.length; ) {
    let end = start + 1;
    while (end < quiet.length && quiet[end] === quiet[start]) end++;
    if (quiet[start] === true && end - start > minRepeat) silent.fill(true, start, end);
    start = end;
  }
  // Keep whole seconds only, as compute_va does (frame t covers t / frameRate seconds).
  return activityPerSecond(silent.slice(0, Math.floor(samples.length / sampleRate) * frameRate), frameRate);
}
