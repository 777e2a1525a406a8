import { TokenShapeError } from "./errors.js";
import type { Tokens } from "./tokens.js";

/** Delay patterns of autosing/sm2a.py. */
export type DelayPattern = "bricks" | "bricks_unrolled";

/** Per-stream delays of "bricks": upstream slices the padded rows from offsets 7, 6, 5, 5, 4, 4, 4, 4. */
const BRICK_DELAYS = [1, 2, 3, 3, 4, 4, 4, 4] as const;
/** apply_pattern's recursive "bricks" call inside "bricks_unrolled" hard-codes num_codes = 4096. */
const UNROLLED_INNER_CODES = 4096;

function bricks(tokens: Tokens, numCodes: number): Tokens {
  const t = tokens.shape[1]!;
  if (t % 4 !== 0) throw new TokenShapeError("applyPattern(bricks)", tokens.shape, "needs T divisible by 4 (upstream reshapes to [4, T/4, 4])");
  const m = t / 4;
  const src = tokens.data;
  // The 8 streams before delaying: level 0 and 1 at each block start, level 2 at offsets 0 and 2, level 3 at 0..3.
  const stream = (r: number, b: number): number => {
    if (r === 0) return b % 2 === 1 ? numCodes : src[4 * b]!; // odd blocks hold no level-0 code: pad
    if (r === 1) return src[t + 4 * b]!;
    if (r === 2 || r === 3) return src[2 * t + 4 * b + 2 * (r - 2)]!;
    return src[3 * t + 4 * b + (r - 4)]!;
  };
  const n = m + 8;
  const out = new Int32Array(8 * n).fill(numCodes + 1);
  for (let r = 0; r < 8; r++) {
    const d = BRICK_DELAYS[r]!;
    for (let b = 0; b < m; b++) out[r * n + b + d] = stream(r, b);
  }
  return { data: out, shape: [8, n] };
}

/**
 * Port of autosing/sm2a.py: apply_pattern. `tokens` is dense `[4, T]` (T divisible by 4).
 * "bricks" gives `[8, T/4 + 8]`: streams (L0, L1, L2 even, L2 odd, L3 ×4) at block rate, delayed
 * by 1, 2, 3, 3, 4, 4, 4, 4 steps, pad `numCodes + 1` outside the data and `numCodes` where a
 * block has no level-0 code. "bricks_unrolled" gives `[8, T + 32]`: each bricks step repeated 4
 * times, every stream kept at one phase (0 for rows 0–2, 2 for row 3, i for row 4+i) and masked
 * to `numCodes` elsewhere. As upstream, its inner bricks pass pads with 4096/4097 regardless of
 * `numCodes`.
 */
export function applyPattern(pattern: DelayPattern, tokens: Tokens, numCodes: number): Tokens {
  if (tokens.shape.length !== 2 || tokens.shape[0] !== 4) throw new TokenShapeError(`applyPattern(${pattern})`, tokens.shape, "must be [4, T]");
  if (tokens.shape[0]! * tokens.shape[1]! !== tokens.data.length) throw new TokenShapeError(`applyPattern(${pattern})`, tokens.shape, `does not match ${tokens.data.length} values`);
  if (pattern === "bricks") return bricks(tokens, numCodes);
  if (pattern !== "bricks_unrolled") throw new TokenShapeError(`applyPattern(${String(pattern)})`, tokens.shape, "unknown pattern (bricks | bricks_unrolled)");
  const inner = bricks(tokens, UNROLLED_INNER_CODES);
  const steps = inner.shape[1]!;
  const n = steps * 4;
  const out = new Int32Array(8 * n).fill(numCodes);
  for (let r = 0; r < 8; r++) {
    const phase = r < 3 ? 0 : r === 3 ? 2 : r - 4;
    for (let s = 0; s < steps; s++) out[r * n + 4 * s + phase] = inner.data[r * steps + s]!;
  }
  return { data: out, shape: [8, n] };
}

/**
 * Port of autosing/sm2a.py: remove_pattern. Input `[B, 8, L]` (upstream asserts a batch
 * dimension; `[8, L]` is also accepted and gives an unbatched result). "bricks" returns dense
 * `[B, 4, 4(L − 8)]`; "bricks_unrolled" (L divisible by 4) undoes the unrolling and then bricks.
 * Values are copied as they are, pad codes included, exactly as upstream does.
 */
export function removePattern(pattern: DelayPattern, tokens: Tokens): Tokens {
  const op = `removePattern(${String(pattern)})`;
  const batched = tokens.shape.length === 3;
  if (!(batched || tokens.shape.length === 2) || tokens.shape[tokens.shape.length - 2] !== 8) {
    throw new TokenShapeError(op, tokens.shape, "must be [B, 8, L] or [8, L]");
  }
  const batch = batched ? tokens.shape[0]! : 1;
  const l = tokens.shape[tokens.shape.length - 1]!;
  if (batch * 8 * l !== tokens.data.length) throw new TokenShapeError(op, tokens.shape, `does not match ${tokens.data.length} values`);
  if (pattern === "bricks_unrolled") {
    if (l % 4 !== 0) throw new TokenShapeError(op, tokens.shape, "needs L divisible by 4");
    const steps = l / 4;
    const folded = new Int32Array(batch * 8 * steps);
    for (let b = 0; b < batch; b++) {
      for (let r = 0; r < 8; r++) {
        const phase = r < 3 ? 0 : r === 3 ? 2 : r - 4;
        for (let s = 0; s < steps; s++) folded[(b * 8 + r) * steps + s] = tokens.data[(b * 8 + r) * l + 4 * s + phase]!;
      }
    }
    return removePattern("bricks", { data: folded, shape: batched ? [batch, 8, steps] : [8, steps] });
  }
  if (pattern !== "bricks") throw new TokenShapeError(op, tokens.shape, "unknown pattern (bricks | bricks_unrolled)");
  if (l < 8) throw new TokenShapeError(op, tokens.shape, "needs L >= 8 (the pattern adds 8 steps)");
  const m = l - 8;
  const t = 4 * m;
  const out = new Int32Array(batch * 4 * t);
  for (let b = 0; b < batch; b++) {
    const at = (r: number, c: number): number => tokens.data[(b * 8 + r) * l + c]!;
    const row = (i: number): number => (b * 4 + i) * t;
    for (let j = 0; 8 * j < t; j++) out[row(0) + 8 * j] = at(0, 1 + 2 * j);
    for (let c = 0; c < m; c++) {
      out[row(1) + 4 * c] = at(1, 2 + c);
      out[row(2) + 4 * c] = at(2, 3 + c);
      out[row(2) + 4 * c + 2] = at(3, 3 + c);
      for (let j = 0; j < 4; j++) out[row(3) + 4 * c + j] = at(4 + j, 4 + c);
    }
  }
  return { data: out, shape: batched ? [batch, 4, t] : [4, t] };
}
