import { ForcedAlignInputError } from "./errors.js";
import type { Emission } from "./forced-align.js";
import { SIL_ID } from "./phone-set.js";

export interface SilenceOptions {
  /** A silent run must be longer than this many frames (upstream `min_repeat`, 100). */
  readonly minRepeat?: number;
  /** Silence must beat the runner-up class by this factor (upstream `mult_threshold`, 200). */
  readonly multThreshold?: number;
  /** The silence class (0, `[SIL]`). */
  readonly silenceId?: number;
}

/**
 * Port of autosing/alignment.py: compute_silence — a frame is silent when `[SIL]` is the most
 * likely class and its probability exceeds `multThreshold` × the second most likely; only runs of
 * more than `minRepeat` such frames count. Input: log-probabilities (softmax is applied as upstream
 * does, which leaves log-softmax rows unchanged).
 */
export function computeSilence(emission: Emission, options: SilenceOptions = {}): boolean[] {
  const minRepeat = options.minRepeat ?? 100;
  const multThreshold = options.multThreshold ?? 200;
  const silenceId = options.silenceId ?? SIL_ID;
  const { data, frames, classes } = emission;
  if (data.length !== frames * classes) throw new ForcedAlignInputError(`emission data has ${data.length} values, expected ${frames} × ${classes}`);
  const candidate = new Array<boolean>(frames);
  for (let t = 0; t < frames; t++) {
    // Compare in probability space after a max-shift: p1 > k·p2 ⇔ exp(l1 − m) > k·exp(l2 − m).
    let best = -Infinity;
    let second = -Infinity;
    let bestId = -1;
    for (let c = 0; c < classes; c++) {
      const v = data[t * classes + c] ?? -Infinity;
      // Sorting ascending puts the last of equal maxima at the top, so ties go to the higher id.
      if (v >= best) {
        second = best;
        best = v;
        bestId = c;
      } else if (v > second) {
        second = v;
      }
    }
    candidate[t] = bestId === silenceId && 1 > multThreshold * Math.exp(second - best);
  }
  const silent = new Array<boolean>(frames).fill(false);
  for (let start = 0; start < frames; ) {
    let end = start + 1;
    while (end < frames && candidate[end] === candidate[start]) end++;
    if (candidate[start] === true && end - start > minRepeat) silent.fill(true, start, end);
    start = end;
  }
  return silent;
}

/**
 * Port of autosing/alignment.py: compute_va (after the emission) — one boolean per whole second,
 * true (singing) when no frame of that second is silent; trailing frames short of a second are dropped.
 */
export function activityPerSecond(silentFrames: readonly boolean[], frameRate: number): boolean[] {
  if (!Number.isInteger(frameRate) || frameRate < 1) throw new ForcedAlignInputError(`frame rate must be a positive integer, got ${frameRate}`);
  const seconds = Math.floor(silentFrames.length / frameRate);
  const active: boolean[] = [];
  for (let s = 0; s < seconds; s++) {
    let anySilent = false;
    for (let f = s * frameRate; f < (s + 1) * frameRate; f++) if (silentFrames[f] === true) anySilent = true;
    active.push(!anySilent);
  }
  return active;
}

/**
 * Port of autosing/processing.py: interesting_chunks — non-overlapping windows of `chunkLength`
 * seconds whose singing share is at least `minOccupancy`, as many as possible, chosen by dynamic
 * programming and returned as start seconds from the end backwards (upstream order). Upstream's
 * backtrack stops once fewer than `chunkLength + 1` seconds remain, so a window starting at second 0
 * is never returned; kept as is so chunk ids match upstream datasets.
 */
export function interestingChunks(chunkLength: number, active: readonly boolean[], minOccupancy: number): number[] {
  if (!Number.isInteger(chunkLength) || chunkLength < 1) throw new ForcedAlignInputError(`chunk length must be a positive integer, got ${chunkLength}`);
  const seconds = active.length;
  const best = new Array<number>(seconds + 1).fill(0);
  for (let i = chunkLength; i <= seconds; i++) {
    let singing = 0;
    for (let s = i - chunkLength; s < i; s++) if (active[s] === true) singing++;
    const score = singing / chunkLength < minOccupancy ? 0 : 1;
    best[i] = Math.max((best[i - chunkLength] ?? 0) + score, best[i - 1] ?? 0);
  }
  const offsets: number[] = [];
  let i = seconds;
  while (i > chunkLength) {
    if (best[i] === best[i - 1]) i -= 1;
    else {
      i -= chunkLength;
      offsets.push(i);
    }
  }
  return offsets;
}

/** Upstream processing.py defaults for vad_extract: `--chunk-length 31`, `--min-occupancy 0.8`. */
export const DEFAULT_CHUNK_LENGTH = 31;
export const DEFAULT_MIN_OCCUPANCY = 0.8;
