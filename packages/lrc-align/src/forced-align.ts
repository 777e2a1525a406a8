import { AlignTooManyTokensError, ForcedAlignInputError } from "./errors.js";

/** Frame-by-class log-probabilities, row-major (`data[frame * classes + class]`). */
export interface Emission {
  readonly data: Float32Array | Float64Array;
  readonly frames: number;
  readonly classes: number;
}

export interface ForcedAlignOptions {
  /** The CTC blank id (charsiu's `[SIL]`, 0). */
  readonly blank?: number;
}

export interface ForcedAlignResult {
  /** The label chosen at each frame (blank or a target id). */
  readonly labels: Int32Array;
  /** The log-probability of that label at that frame. */
  readonly scores: Float32Array;
}

/** A run of frames labelled with one target: `start` inclusive, `end` exclusive, `score` the mean frame score. */
export interface TokenSpan {
  token: number;
  start: number;
  end: number;
  score: number;
}

function checkEmission(emission: Emission): void {
  const { data, frames, classes } = emission;
  if (!Number.isInteger(frames) || !Number.isInteger(classes) || frames < 0 || classes < 1) {
    throw new ForcedAlignInputError(`emission shape [${frames}, ${classes}] is not a valid [frames, classes] shape`);
  }
  if (data.length !== frames * classes) {
    throw new ForcedAlignInputError(`emission data has ${data.length} values, expected frames × classes = ${frames} × ${classes} = ${frames * classes}`);
  }
}

/**
 * CTC forced alignment: the most likely frame labelling that spells `targets`. Port of
 * torchaudio.functional.forced_align (CPU kernel, libtorchaudio forced_align/cpu/compute.cpp):
 * Viterbi over the 2L+1 blank-interleaved states, moves stay / advance / skip a blank between two
 * different labels, path starting in the first blank or first label and ending in the last label or
 * the final blank; ties prefer stay, then advance, then skip, and the end prefers the final blank
 * unless the last label is strictly better, exactly as the kernel does. Needs frames ≥ L + repeats.
 * Scores accumulate in float64 (torchaudio uses the input dtype).
 */
export function forcedAlign(logProbs: Emission, targets: ArrayLike<number>, options: ForcedAlignOptions = {}): ForcedAlignResult {
  checkEmission(logProbs);
  const blank = options.blank ?? 0;
  const { data, frames: T, classes: C } = logProbs;
  const L = targets.length;
  if (!Number.isInteger(blank) || blank < 0 || blank >= C) throw new ForcedAlignInputError(`blank ${blank} must be within [0, ${C})`);
  if (L === 0) throw new ForcedAlignInputError("targets are empty; there is nothing to align");
  const target = Int32Array.from(targets);
  for (let i = 0; i < L; i++) {
    const id = target[i] ?? 0;
    if (id === blank) throw new ForcedAlignInputError(`targets contain the blank index ${blank} at position ${i}`);
    if (id < 0 || id >= C) throw new ForcedAlignInputError(`target ${id} at position ${i} is outside [0, ${C})`);
  }
  let R = 0;
  for (let i = 1; i < L; i++) if (target[i] === target[i - 1]) R++;
  if (T < L + R) {
    throw new ForcedAlignInputError(
      `targets length is too long for CTC. Found log_probs length: ${T}, targets length: ${L}, and number of repeats: ${R}`,
    );
  }

  const S = 2 * L + 1;
  // State s is the blank when even, target (s − 1) / 2 when odd; skipping into s (from s − 2) is
  // allowed for a label state whose label differs from the previous one.
  const stateLabel = new Int32Array(S);
  const canSkip = new Uint8Array(S);
  for (let s = 0; s < S; s++) {
    stateLabel[s] = s % 2 === 0 ? blank : (target[(s - 1) / 2] ?? blank);
    canSkip[s] = s % 2 === 1 && s !== 1 && target[(s - 1) / 2] !== target[(s - 1) / 2 - 1] ? 1 : 0;
  }
  let prev = new Float64Array(S).fill(-Infinity);
  let cur = new Float64Array(S).fill(-Infinity);
  const back = new Int8Array(T * S).fill(-1);

  // The window [start, end) holds the states that can still start/finish a valid path.
  let start = T - (L + R) > 0 ? 0 : 1;
  let end = S === 1 ? 1 : 2;
  for (let s = start; s < end; s++) prev[s] = data[stateLabel[s] as number] as number;

  for (let t = 1; t < T; t++) {
    if (T - t <= L + R) {
      if (start % 2 === 1 && target[(start - 1) / 2] !== target[(start - 1) / 2 + 1]) start += 1;
      start += 1;
    }
    if (t <= L + R) {
      if (end % 2 === 0 && end < 2 * L && target[end / 2 - 1] !== target[end / 2]) end += 1;
      end += 1;
    }
    cur.fill(-Infinity);
    const row = t * C;
    const backRow = t * S;
    let loopStart = start;
    if (start === 0) {
      cur[0] = (prev[0] as number) + (data[row + blank] as number);
      back[backRow] = 0;
      loopStart += 1;
    }
    for (let s = loopStart; s < end; s++) {
      const x0 = prev[s] as number;
      const x1 = prev[s - 1] as number;
      const x2 = canSkip[s] === 1 ? (prev[s - 2] as number) : -Infinity;
      let best: number;
      if (x2 > x1 && x2 > x0) {
        best = x2;
        back[backRow + s] = 2;
      } else if (x1 > x0) {
        best = x1;
        back[backRow + s] = 1;
      } else {
        best = x0;
        back[backRow + s] = 0;
      }
      cur[s] = best + (data[row + (stateLabel[s] as number)] as number);
    }
    [prev, cur] = [cur, prev];
  }

  let state = (prev[S - 1] ?? -Infinity) > (prev[S - 2] ?? -Infinity) ? S - 1 : S - 2;
  const labels = new Int32Array(T);
  const scores = new Float32Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const id = stateLabel[state] ?? blank;
    labels[t] = id;
    scores[t] = data[t * C + id] ?? -Infinity;
    state -= back[t * S + state] ?? 0;
  }
  return { labels, scores };
}

/**
 * Port of torchaudio.functional.merge_tokens: runs of one non-blank label become spans with
 * inclusive start, exclusive end and the mean frame score (upstream passes log-probabilities).
 */
export function mergeTokens(labels: ArrayLike<number>, scores: ArrayLike<number>, options: ForcedAlignOptions = {}): TokenSpan[] {
  const blank = options.blank ?? 0;
  if (labels.length !== scores.length) {
    throw new ForcedAlignInputError(`labels (${labels.length}) and scores (${scores.length}) differ in length`);
  }
  const spans: TokenSpan[] = [];
  let runStart = 0;
  for (let t = 1; t <= labels.length; t++) {
    if (t < labels.length && labels[t] === labels[t - 1]) continue;
    const token = labels[runStart] ?? blank;
    if (token !== blank) {
      let sum = 0;
      for (let i = runStart; i < t; i++) sum += scores[i] ?? 0;
      spans.push({ token, start: runStart, end: t, score: sum / (t - runStart) });
    }
    runStart = t;
  }
  return spans;
}

/** Each frame repeated `factor` times (`torch.repeat_interleave` along frames). */
export function repeatFrames(emission: Emission, factor: number): Emission {
  if (factor === 1) return emission;
  const { data, frames, classes } = emission;
  const out = new Float32Array(frames * factor * classes);
  for (let t = 0; t < frames; t++) {
    const row = data.subarray(t * classes, (t + 1) * classes);
    for (let r = 0; r < factor; r++) out.set(row, (t * factor + r) * classes);
  }
  return { data: out, frames: frames * factor, classes };
}

/** Frames `[start, end)` of an emission (clamped like a Python slice). */
export function sliceFrames(emission: Emission, start: number, end: number): Emission {
  const from = Math.min(Math.max(0, start), emission.frames);
  const to = Math.min(Math.max(from, end), emission.frames);
  return { data: emission.data.subarray(from * emission.classes, to * emission.classes), frames: to - from, classes: emission.classes };
}

/** The frame-repeat factors upstream tries in turn. */
export const ALIGN_REPEATS = [1, 2, 4] as const;

/**
 * Port of autosing/alignment.py: compute_alignment.align — forced alignment of the tokens,
 * retried with the emission's frames repeated ×2 and ×4 when there are more tokens than frames,
 * span frames divided back by the factor (so they may be fractional). Throws
 * `AlignTooManyTokensError` (upstream's AlignException) when even ×4 cannot hold them.
 */
export function alignTokens(emission: Emission, tokens: ArrayLike<number>, options: ForcedAlignOptions = {}): TokenSpan[] {
  for (const factor of ALIGN_REPEATS) {
    let result: ForcedAlignResult;
    try {
      result = forcedAlign(repeatFrames(emission, factor), tokens, options);
    } catch (error) {
      // Only the "too long" case is worth retrying; upstream retried on anything and printed it.
      if (error instanceof ForcedAlignInputError && error.message.startsWith("targets length is too long")) continue;
      throw error;
    }
    const spans = mergeTokens(result.labels, result.scores, options);
    if (factor !== 1) {
      for (const span of spans) {
        span.start /= factor;
        span.end /= factor;
      }
    }
    return spans;
  }
  throw new AlignTooManyTokensError(tokens.length, emission.frames);
}
