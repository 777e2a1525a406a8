import { TensorShapeError } from "../errors.js";
import { ROTARY_CACHE_LENGTH, rotaryTables } from "../tables.js";
import { OnnxLinearEmitter } from "./linear-emitter.js";

/** Rope tables for a set of positions: cos/sin [T, 1, D]; `positions` (int64 [T]) when they are dynamic (rotaryAt). */
export interface Rotary {
  cos: string;
  sin: string;
  positions?: string;
}

/**
 * Rotary position embedding (rope) for `OnnxEmitter`: the cos/sin tables as initializers (built
 * once per graph), looked up at fixed or dynamic positions, and applied either decomposed
 * (`rotate`) or as com.microsoft RotaryEmbedding (`rotaryEmbedding`).
 */
export class OnnxRotaryEmitter extends OnnxLinearEmitter {
  /** x [B, T, H, D] · cos + rotate_half(x) · sin with cos/sin broadcastable as [T, 1, D]. */
  rotate(x: string, cos: string, sin: string, headDim: number): string {
    const [x1, x2] = this.opMulti("Split", [x, this.int64([headDim / 2, headDim / 2])], 2, { axis: -1 }) as [string, string];
    const rotated = this.op("Concat", [this.op("Neg", [x2]), x1], { axis: -1 });
    return this.op("Add", [this.op("Mul", [x, cos]), this.op("Mul", [rotated, sin])]);
  }

  /** Rotary cos/sin for dynamic int64 positions [T] (already × subsampling): Gather from a table, → [T, 1, D]. */
  rotaryAt(positions: string, headDim: number, length = ROTARY_CACHE_LENGTH): Rotary {
    return this.once(`rotary|${positions}|${headDim}`, () => {
      const tables = this.rotaryTable(headDim, length);
      const cos = this.op("Unsqueeze", [this.op("Gather", [tables.cos, positions], { axis: 0 }), this.int64([1])]);
      const sin = this.op("Unsqueeze", [this.op("Gather", [tables.sin, positions], { axis: 0 }), this.int64([1])]);
      return { cos, sin, positions };
    });
  }

  /**
   * com.microsoft RotaryEmbedding over x [B, T, heads·D] (non-interleaved = upstream's
   * rotate-half, the same cos/sin tables as `rotate`) at the dynamic positions of `rotary`:
   * one node instead of six per rotated tensor. Several tensors rotated at the same positions
   * (self q and k, both cross queries) go through one node as one wider tensor.
   */
  rotaryEmbedding(x: string, rotary: Rotary, heads: number, headDim: number): string {
    if (rotary.positions === undefined) throw new TensorShapeError("rotary", "needs dynamic positions (rotaryAt) for RotaryEmbedding");
    const tables = this.rotaryHalfTable(headDim, ROTARY_CACHE_LENGTH);
    return this.contribOp("RotaryEmbedding", [x, this.positionIds(rotary.positions, x), tables.cos, tables.sin], ["y"], { interleaved: 0, num_heads: heads })[0] ?? "";
  }

  /** int64 [B, T] position ids (RotaryEmbedding wants one row per batch entry), built once per positions tensor. */
  private positionIds(positions: string, batchLike: string): string {
    return this.once(`position-ids|${positions}`, () => {
      const batchShape = this.op("Concat", [this.op("Unsqueeze", [this.dimension(batchLike, 0), this.int64([0])]), this.int64([1])], { axis: 0 });
      return this.op("Expand", [this.op("Unsqueeze", [positions, this.int64([0])]), batchShape]);
    });
  }

  /** cos/sin [length, D/2]: the first half of our duplicated-halves tables, RotaryEmbedding's cache layout. */
  private rotaryHalfTable(headDim: number, length: number): { cos: string; sin: string } {
    return this.once(`rotary-half-table|${headDim}|${length}`, () => {
      const tables = rotaryTables(length, headDim);
      const half = headDim / 2;
      const cosHalf = new Float32Array(length * half);
      const sinHalf = new Float32Array(length * half);
      for (let t = 0; t < length; t++) {
        cosHalf.set(tables.cos.subarray(t * headDim, t * headDim + half), t * half);
        sinHalf.set(tables.sin.subarray(t * headDim, t * headDim + half), t * half);
      }
      return { cos: this.constant("rope_cos_half", cosHalf, [length, half]), sin: this.constant("rope_sin_half", sinHalf, [length, half]) };
    });
  }

  /** Rotary cos/sin for fixed positions, as [T, 1, D] constants. */
  rotaryFixed(positions: readonly number[], headDim: number): { cos: string; sin: string } {
    const maxPosition = Math.max(0, ...positions) + 1;
    const { cos, sin } = rotaryTables(maxPosition, headDim);
    const c = new Float32Array(positions.length * headDim);
    const s = new Float32Array(positions.length * headDim);
    positions.forEach((p, t) => {
      c.set(cos.subarray(p * headDim, (p + 1) * headDim), t * headDim);
      s.set(sin.subarray(p * headDim, (p + 1) * headDim), t * headDim);
    });
    return { cos: this.constant("rope_cos", c, [positions.length, 1, headDim]), sin: this.constant("rope_sin", s, [positions.length, 1, headDim]) };
  }

  private rotaryTable(headDim: number, length: number): { cos: string; sin: string } {
    return this.once(`rotary-table|${headDim}|${length}`, () => {
      const tables = rotaryTables(length, headDim);
      return { cos: this.constant("rope_cos_table", tables.cos, [length, headDim]), sin: this.constant("rope_sin_table", tables.sin, [length, headDim]) };
    });
  }
}
