import { ForcedAlignInputError } from "./errors.js";
import type { FeatureMatrix } from "./mfcc.js";

/** For each query frame j, the reference frames `[lo[j], hi[j])` the path may visit. */
export interface DtwWindow {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
}

export interface DtwResult {
  /** Path as parallel arrays of query and reference frames, from (0, 0) to (N−1, M−1). */
  readonly query: Int32Array;
  readonly reference: Int32Array;
  /** Local distance at each path point. */
  readonly cost: Float32Array;
  readonly total: number;
}

function distance(a: FeatureMatrix, i: number, b: FeatureMatrix, j: number): number {
  let sum = 0;
  const dims = a.dims;
  for (let d = 0; d < dims; d++) {
    const diff = (a.data[i * dims + d] ?? 0) - (b.data[j * dims + d] ?? 0);
    sum += diff * diff;
  }
  return Math.sqrt(sum);
}

/** The full window (plain DTW). */
export function fullWindow(queryFrames: number, referenceFrames: number): DtwWindow {
  return { lo: new Int32Array(queryFrames), hi: new Int32Array(queryFrames).fill(referenceFrames) };
}

/**
 * Dynamic time warping of `query` (rows) against `reference` (columns) inside a per-row window,
 * Euclidean local distance, steps (1,1) weighted 2 and (1,0)/(0,1) weighted 1 (the symmetric
 * pattern, so no direction is favoured), path from (0, 0) to the last cell of both sequences.
 * Memory is one byte per window cell.
 */
export function dtw(query: FeatureMatrix, reference: FeatureMatrix, window: DtwWindow = fullWindow(query.frames, reference.frames)): DtwResult {
  const N = query.frames;
  const M = reference.frames;
  if (N === 0 || M === 0) throw new ForcedAlignInputError(`DTW needs two non-empty sequences, got ${N} and ${M} frames`);
  if (query.dims !== reference.dims) throw new ForcedAlignInputError(`DTW feature sizes differ: ${query.dims} vs ${reference.dims}`);
  const lo = window.lo;
  const hi = window.hi;
  if ((lo[0] ?? 1) !== 0 || (hi[N - 1] ?? 0) !== M) throw new ForcedAlignInputError("DTW window must contain (0, 0) and the last cell");
  const offsets = new Int32Array(N + 1);
  for (let j = 0; j < N; j++) offsets[j + 1] = (offsets[j] ?? 0) + Math.max(0, (hi[j] ?? 0) - (lo[j] ?? 0));
  const back = new Uint8Array(offsets[N] ?? 0);
  let prev = new Float64Array(M).fill(Infinity);
  let cur = new Float64Array(M).fill(Infinity);
  let prevLo = 0;
  let prevHi = 0;
  for (let j = 0; j < N; j++) {
    const rowLo = lo[j] ?? 0;
    const rowHi = hi[j] ?? 0;
    const base = offsets[j] ?? 0;
    for (let i = rowLo; i < rowHi; i++) {
      const d = distance(query, j, reference, i);
      if (j === 0 && i === 0) {
        cur[i] = d;
        back[base] = 0;
        continue;
      }
      const diag = j > 0 && i > 0 && i - 1 >= prevLo && i - 1 < prevHi ? (prev[i - 1] ?? Infinity) + 2 * d : Infinity;
      const up = j > 0 && i >= prevLo && i < prevHi ? (prev[i] ?? Infinity) + d : Infinity;
      const left = i > rowLo ? (cur[i - 1] ?? Infinity) + d : Infinity;
      let best = diag;
      let move = 1;
      if (up < best) {
        best = up;
        move = 2;
      }
      if (left < best) {
        best = left;
        move = 3;
      }
      cur[i] = best;
      back[base + i - rowLo] = move;
    }
    if (j < N - 1) {
      prev.fill(Infinity, prevLo, prevHi);
      [prev, cur] = [cur, prev];
      prevLo = rowLo;
      prevHi = rowHi;
    } else {
      prev = cur;
    }
  }
  const total = prev[M - 1] ?? Infinity;
  if (!Number.isFinite(total)) throw new ForcedAlignInputError("DTW window admits no path from start to end");
  const query_: number[] = [];
  const reference_: number[] = [];
  let j = N - 1;
  let i = M - 1;
  for (;;) {
    query_.push(j);
    reference_.push(i);
    const move = back[(offsets[j] ?? 0) + i - (lo[j] ?? 0)] ?? 0;
    if (move === 0) break;
    if (move === 1) {
      j--;
      i--;
    } else if (move === 2) j--;
    else i--;
  }
  query_.reverse();
  reference_.reverse();
  const cost = new Float32Array(query_.length);
  for (let k = 0; k < cost.length; k++) cost[k] = distance(query, query_[k] ?? 0, reference, reference_[k] ?? 0);
  return { query: Int32Array.from(query_), reference: Int32Array.from(reference_), cost, total };
}

/**
 * The window for a fine DTW around a coarse path (FastDTW's projection): each fine query row may
 * visit the fine reference frames its coarse cell covered, widened by `radius` frames.
 */
export function windowAroundPath(coarse: DtwResult, factor: number, queryFrames: number, referenceFrames: number, radius: number): DtwWindow {
  const lo = new Int32Array(queryFrames).fill(referenceFrames);
  const hi = new Int32Array(queryFrames);
  for (let k = 0; k < coarse.query.length; k++) {
    const cj = coarse.query[k] ?? 0;
    const ci = coarse.reference[k] ?? 0;
    const rLo = Math.max(0, ci * factor - radius);
    const rHi = Math.min(referenceFrames, (ci + 1) * factor + radius);
    for (let j = cj * factor; j < Math.min(queryFrames, (cj + 1) * factor); j++) {
      lo[j] = Math.min(lo[j] ?? referenceFrames, rLo);
      hi[j] = Math.max(hi[j] ?? 0, rHi);
    }
  }
  // Monotone, and anchored at both corners.
  lo[0] = 0;
  hi[queryFrames - 1] = referenceFrames;
  for (let j = 1; j < queryFrames; j++) lo[j] = Math.max(lo[j] ?? 0, lo[j - 1] ?? 0);
  for (let j = queryFrames - 2; j >= 0; j--) hi[j] = Math.min(hi[j] ?? 0, hi[j + 1] ?? referenceFrames);
  for (let j = 0; j < queryFrames; j++) if ((hi[j] ?? 0) <= (lo[j] ?? 0)) hi[j] = Math.min(referenceFrames, (lo[j] ?? 0) + 1);
  return { lo, hi };
}
