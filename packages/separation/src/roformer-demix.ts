/**
 * The chunk plan of the fork's `MDXCSeparator.demix` for RoFormer models: chunks of `chunk`
 * samples start every `step` samples while they fit; each start whose chunk would run past the
 * end instead adds the chunk aligned to the end of the song — the same chunk once per such start,
 * so its weight is that count (upstream adds it that many times). A song shorter than one chunk is
 * zero-padded to one chunk first (upstream's slicing breaks there).
 */
export interface DemixPlan {
  /** Samples the plan covers: the song, or one chunk when the song is shorter. */
  readonly paddedLength: number;
  /** Chunk starts with their weight multiplier (1, or the count of end-aligned starts). */
  readonly chunks: readonly { readonly start: number; readonly repeats: number }[];
}

export function demixPlan(length: number, chunk: number, step: number): DemixPlan {
  const paddedLength = Math.max(length, chunk);
  const chunks: { start: number; repeats: number }[] = [];
  let endRepeats = 0;
  for (let i = 0; i < paddedLength; i += step) {
    if (i + chunk > paddedLength) endRepeats++;
    else chunks.push({ start: i, repeats: 1 });
  }
  if (endRepeats > 0) chunks.push({ start: paddedLength - chunk, repeats: endRepeats });
  return { paddedLength, chunks };
}

/** scipy.signal.windows.hamming(n) (symmetric): 0.54 − 0.46·cos(2πi / (n − 1)), as float32. */
export function hammingWindow(n: number): Float32Array {
  const w = new Float32Array(n);
  if (n === 1) return w.fill(1);
  for (let i = 0; i < n; i++) w[i] = 0.54 - 0.46 * Math.cos((2 * Math.PI * i) / (n - 1));
  return w;
}

/**
 * Hamming-weighted overlap-add of per-chunk outputs: `add` each chunk's stems as the plan runs,
 * then `finish` divides by the summed weights (clamped at 1e-10 as upstream). The sums and weights
 * are float32, as upstream's `result` and `counter` tensors are: 12 bytes a stereo sample per
 * stem (a 10-minute song: ~320 MB), half of what float64 accumulators held.
 */
export class OverlapAdd {
  private readonly sums: Float32Array[];
  private readonly weights: Float32Array;
  private readonly window: Float32Array;

  constructor(
    readonly length: number,
    readonly channels: number,
    readonly chunk: number,
  ) {
    this.sums = Array.from({ length: channels }, () => new Float32Array(length));
    this.weights = new Float32Array(length);
    this.window = hammingWindow(chunk);
  }

  add(start: number, repeats: number, output: readonly Float32Array[]): void {
    for (let i = 0; i < this.chunk; i++) this.weights[start + i]! += repeats * this.window[i]!;
    output.forEach((channel, c) => {
      const sum = this.sums[c]!;
      for (let i = 0; i < this.chunk; i++) sum[start + i]! += repeats * channel[i]! * this.window[i]!;
    });
  }

  finish(length = this.length): Float32Array[] {
    return this.sums.map((sum) => {
      const out = new Float32Array(length);
      for (let i = 0; i < length; i++) out[i] = sum[i]! / Math.max(this.weights[i]!, 1e-10);
      return out;
    });
  }
}
