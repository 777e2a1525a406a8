import { TokenRangeError, TokenShapeError } from "./errors.js";

/** An integer tensor, row-major: `data.length` equals the product of `shape`. */
export interface Tokens {
  data: Int32Array;
  shape: number[];
}

/** Builds a `Tokens` value, checking that `data` fills `shape`. */
export function makeTokens(data: Int32Array | readonly number[], shape: readonly number[]): Tokens {
  const array = data instanceof Int32Array ? data : Int32Array.from(data);
  const size = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || size !== array.length) {
    throw new TokenShapeError("makeTokens", shape, `does not match ${array.length} values`);
  }
  return { data: array, shape: [...shape] };
}

/** Throws `TokenRangeError` at the first value outside [0, limit). */
export function assertTokenRange(tokens: Tokens, limit: number, operation: string): void {
  const { data } = tokens;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= limit) throw new TokenRangeError(operation, i, v, limit);
  }
}

function checkShape(tokens: Tokens, operation: string): void {
  const size = tokens.shape.reduce((a, b) => a * b, 1);
  if (size !== tokens.data.length) throw new TokenShapeError(operation, tokens.shape, `does not match ${tokens.data.length} values`);
}

/** Splits a [B, ...rest] or [...rest] tensor into batch count and the trailing dims. */
function batchOf(tokens: Tokens, rank: number, operation: string, expect: string): { batch: number; batched: boolean; dims: number[] } {
  checkShape(tokens, operation);
  const { shape } = tokens;
  if (shape.length === rank) return { batch: 1, batched: false, dims: shape };
  if (shape.length === rank + 1) return { batch: shape[0]!, batched: true, dims: shape.slice(1) };
  throw new TokenShapeError(operation, shape, `must be ${expect}`);
}

/**
 * Port of autosing/codecs.py: the SNAC `encode` wrapper's sparse→dense step. Level i of k
 * (`[n_i]` or `[B, n_i]`) is written to columns 0, s, 2s, … of row i with s = 2^(k−1−i),
 * zeros elsewhere; T is the finest level's length. Result `[k, T]` (or `[B, k, T]`).
 */
export function sparseToDense(levels: readonly Tokens[]): Tokens {
  const k = levels.length;
  const finest = levels[k - 1];
  if (finest === undefined) throw new TokenShapeError("sparseToDense", [], "needs at least one level");
  const rank = finest.shape.length;
  if (rank !== 1 && rank !== 2) throw new TokenShapeError("sparseToDense", finest.shape, "each level must be [n] or [B, n]");
  const batch = rank === 2 ? finest.shape[0]! : 1;
  const t = finest.shape[rank - 1]!;
  const out = new Int32Array(batch * k * t);
  levels.forEach((level, i) => {
    checkShape(level, "sparseToDense");
    const s = 2 ** (k - 1 - i);
    const n = Math.ceil(t / s);
    const expected = rank === 2 ? [batch, n] : [n];
    if (level.shape.length !== rank || level.shape.some((d, j) => d !== expected[j])) {
      throw new TokenShapeError("sparseToDense", level.shape, `for level ${i} must be [${expected.join(", ")}] (one code every ${s} of ${t} frames)`);
    }
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) out[(b * k + i) * t + j * s] = level.data[b * n + j]!;
    }
  });
  return { data: out, shape: rank === 2 ? [batch, k, t] : [k, t] };
}

/**
 * Port of autosing/codecs.py: the SNAC `decode` wrapper's dense→sparse step. Takes every
 * 2^(3−i)-th column of row i of a dense `[4, T]` (or `[B, 4, T]`) and, unless `truncate` is
 * false, truncates level i to a multiple of 12·2^i codes (what SNAC's decoder needs). Returns
 * four `[1, n_i]` tensors (upstream's `x[None]`), or `[B, n_i]` for batched input.
 */
export function denseToSparse(dense: Tokens, options: { truncate?: boolean } = {}): Tokens[] {
  const { batch, dims } = batchOf(dense, 2, "denseToSparse", "[4, T] or [B, 4, T]");
  const [levels, t] = dims as [number, number];
  if (levels !== 4) throw new TokenShapeError("denseToSparse", dense.shape, "must have 4 levels (SNAC)");
  const truncate = options.truncate ?? true;
  const result: Tokens[] = [];
  for (let i = 0; i < 4; i++) {
    const s = 2 ** (3 - i);
    let n = Math.ceil(t / s);
    if (truncate) {
      const multiple = 12 * 2 ** i;
      n = Math.floor(n / multiple) * multiple;
    }
    const data = new Int32Array(batch * n);
    for (let b = 0; b < batch; b++) {
      for (let j = 0; j < n; j++) data[b * n + j] = dense.data[(b * 4 + i) * t + j * s]!;
    }
    result.push({ data, shape: [batch, n] });
  }
  return result;
}

/**
 * Port of autosing/codecs.py: flatten_snac — dense `[4, T]` to `[15, floor(T/8)]`: one row per
 * (level i, phase j < 2^i) holding columns p, p+8, … with p = (8/2^i)·j.
 */
export function flattenSnac(dense: Tokens): Tokens {
  checkShape(dense, "flattenSnac");
  if (dense.shape.length !== 2 || dense.shape[0] !== 4) throw new TokenShapeError("flattenSnac", dense.shape, "must be [4, T]");
  const t = dense.shape[1]!;
  const n = Math.floor(t / 8);
  const out = new Int32Array(15 * n);
  let row = 0;
  for (let i = 0; i < 4; i++) {
    const k = 2 ** i;
    for (let j = 0; j < k; j++) {
      const p = (8 / k) * j;
      for (let c = 0; c < n; c++) out[row * n + c] = dense.data[i * t + p + 8 * c]!;
      row++;
    }
  }
  return { data: out, shape: [15, n] };
}

/**
 * Port of autosing/codecs.py: unflatten_snac — `[B, 15, N]` back to dense `[B, 4, 8N]` (zeros
 * where SNAC has no code). A `[15, N]` input (no batch) gives `[4, 8N]`.
 */
export function unflattenSnac(flat: Tokens): Tokens {
  const { batch, batched, dims } = batchOf(flat, 2, "unflattenSnac", "[15, N] or [B, 15, N]");
  if (dims[0] !== 15) throw new TokenShapeError("unflattenSnac", flat.shape, "must have 15 rows (1 + 2 + 4 + 8 SNAC phases)");
  const n = dims[1]!;
  const t = 8 * n;
  const out = new Int32Array(batch * 4 * t);
  for (let b = 0; b < batch; b++) {
    let row = 0;
    for (let i = 0; i < 4; i++) {
      const k = 2 ** i;
      for (let j = 0; j < k; j++) {
        const p = (8 / k) * j;
        for (let c = 0; c < n; c++) out[(b * 4 + i) * t + p + 8 * c] = flat.data[(b * 15 + row) * n + c]!;
        row++;
      }
    }
  }
  return { data: out, shape: batched ? [batch, 4, t] : [4, t] };
}
