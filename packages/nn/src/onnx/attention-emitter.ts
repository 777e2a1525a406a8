import { OnnxRotaryEmitter, type Rotary } from "./rotary-emitter.js";

export const ONNX_MASK_VALUE = -1e9;

export interface AttentionEmitOptions {
  nHead: number;
  headDim: number;
  qkScale: number;
  /** cos/sin broadcastable to [B, T, H, D] (from rotaryAt/rotaryFixed), when the attention uses rope. */
  rotary?: Rotary;
  /** Multiplies the `out` projection (weights and bias), e.g. the α of a two-cross mix. */
  outScale?: number;
}

/**
 * The decomposed (standard ONNX) form of MultiHeadAttention for `OnnxEmitter`: head
 * reshapes, the causal mask, self attention with an optional KV cache, and cross attention over
 * keys/values computed once per encoder output. The com.microsoft form is
 * `OnnxFusedAttentionEmitter`.
 */
export class OnnxAttentionEmitter extends OnnxRotaryEmitter {
  /** [B, T, W] → [B, H, T, D] (reshape with 0 = keep the dynamic dim). */
  splitHeads(x: string, nHead: number, headDim: number, rotary?: { cos: string; sin: string }): string {
    let y = this.op("Reshape", [x, this.int64([0, 0, nHead, headDim])]);
    if (rotary) y = this.rotate(y, rotary.cos, rotary.sin, headDim);
    return this.op("Transpose", [y], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, T, D] → [B, T, W]. */
  mergeHeads(x: string, width: number): string {
    return this.op("Reshape", [this.op("Transpose", [x], { perm: [0, 2, 1, 3] }), this.int64([0, 0, width])]);
  }

  /** [Tq, Tk] additive mask: 0 where key position ≤ query position, else a large negative value. */
  causalMask(queryPositions: string, keyPositions: string): string {
    const later = this.op("Greater", [this.op("Unsqueeze", [keyPositions, this.int64([0])]), this.op("Unsqueeze", [queryPositions, this.int64([1])])]);
    return this.op("Where", [later, this.scalar(ONNX_MASK_VALUE), this.scalar(0)]);
  }

  /**
   * Inference form of MultiHeadAttention as self attention: fused q/k/v MatMul (√qk_scale on q
   * and k, 1/√D folded into q), rope, optional KV cache concat, optional mask, `out` (× outScale).
   * Returns the output [B, T, W] and the full keys/values [B, H, L, D] (the `present` cache).
   */
  selfAttention(
    x: string,
    prefix: string,
    options: AttentionEmitOptions & {
      mask?: string;
      past?: { key: string; value: string };
      presentNames?: { key: string; value: string };
      /** Leave the `out` bias to the consumer (a SkipLayerNormalization): `out` is then the bare product. */
      deferOutBias?: boolean;
    },
  ): { out: string; key: string; value: string; outBias?: string | undefined } {
    const { nHead, headDim } = options;
    const width = nHead * headDim;
    const qkv = this.queryKeyValue(x, prefix, options);
    const [q, k, v] = this.opMulti("Split", [qkv, this.int64([width, width, width])], 3, { axis: -1 }) as [string, string, string];
    let key = this.splitHeads(k, nHead, headDim, options.rotary);
    let value = this.splitHeads(v, nHead, headDim);
    if (options.past) {
      // Naming the Concat outputs as the graph's `present` outputs avoids an Identity copy of the whole cache.
      key = this.op("Concat", [options.past.key, key], { axis: 2 }, options.presentNames?.key);
      value = this.op("Concat", [options.past.value, value], { axis: 2 }, options.presentNames?.value);
    }
    const attended = this.attend(this.splitHeads(q, nHead, headDim, options.rotary), this.op("Transpose", [key], { perm: [0, 1, 3, 2] }), value, options.mask);
    if (options.deferOutBias) {
      const projected = this.fusedProduct(this.mergeHeads(attended, width), [{ prefix: `${prefix}.out`, scale: options.outScale ?? 1 }]);
      return { out: projected.product, key, value, outBias: projected.bias };
    }
    const out = this.linear(this.mergeHeads(attended, width), `${prefix}.out`, { scale: options.outScale ?? 1 });
    return { out, key, value };
  }

  /**
   * The key/value half of a cross attention, computed once per encoder output: keys
   * [B, H, T, D] (√qk_scale, rope at positions × key_subsampling) and values [B, H, T, D], the
   * head-major layout com.microsoft MultiHeadAttention reads without a copy.
   */
  crossKeyValue(memory: string, prefix: string, options: AttentionEmitOptions): { key: string; value: string } {
    const { nHead, headDim } = options;
    const k = this.linear(memory, `${prefix}.key`, { scale: Math.sqrt(options.qkScale), bias: false });
    let kh = this.op("Reshape", [k, this.int64([0, 0, nHead, headDim])]);
    if (options.rotary) kh = this.rotate(kh, options.rotary.cos, options.rotary.sin, headDim);
    const key = this.op("Transpose", [kh], { perm: [0, 2, 1, 3] });
    const value = this.splitHeads(this.linear(memory, `${prefix}.value`), nHead, headDim);
    return { key, value };
  }

  /**
   * The query half of one or more cross attentions reading the same LayerNorm output: one fused
   * MatMul for all queries, then per attention softmax over its cached keys and `out` (× outScale).
   * Returns the sum of the outputs.
   */
  crossAttentionSum(
    x: string,
    parts: readonly { prefix: string; key: string; value: string; outScale?: number; rotary?: { cos: string; sin: string } }[],
    options: Omit<AttentionEmitOptions, "rotary">,
  ): string {
    const { nHead, headDim } = options;
    const width = nHead * headDim;
    const scale = Math.sqrt(options.qkScale) / Math.sqrt(headDim);
    const fused = this.fusedLinear(x, parts.map((p) => ({ prefix: `${p.prefix}.query`, scale })));
    const queries = parts.length === 1 ? [fused] : this.opMulti("Split", [fused, this.int64(parts.map(() => width))], parts.length, { axis: -1 });
    let sum: string | undefined;
    parts.forEach((p, k) => {
      const q = this.splitHeads(queries[k] ?? "", nHead, headDim, p.rotary);
      const out = this.linear(this.mergeHeads(this.attend(q, this.transposedKey(p.key), p.value), width), `${p.prefix}.out`, { scale: p.outScale ?? 1 });
      sum = sum === undefined ? out : this.op("Add", [sum, out]);
    });
    return sum ?? "";
  }

  /**
   * The fused q/k/v product [B, T, 3W] of a self attention (+ bias; `key` has none): √qk_scale
   * on q and k as upstream, and 1/√D folded into q, so the scores need no further scaling.
   */
  protected queryKeyValue(x: string, prefix: string, options: { headDim: number; qkScale: number }): string {
    const sqrtScale = Math.sqrt(options.qkScale);
    return this.fusedLinear(x, [
      { prefix: `${prefix}.query`, scale: sqrtScale / Math.sqrt(options.headDim) },
      { prefix: `${prefix}.key`, scale: sqrtScale, bias: false },
      { prefix: `${prefix}.value` },
    ]);
  }

  /** [B, H, T, D] keys as [B, H, D, T] for `attend` (onnxruntime folds this Transpose into its MatMul as transB: no copy). */
  protected transposedKey(key: string): string {
    return this.op("Transpose", [key], { perm: [0, 1, 3, 2] });
  }

  /**
   * softmax(q kᵀ + mask) v with q [B, H, Tq, D] pre-scaled (1/√D folded into the query weights),
   * `keyTransposed` [B, H, D, Tk], v [B, H, Tk, D]; mask broadcastable to [B, H, Tq, Tk].
   */
  attend(q: string, keyTransposed: string, v: string, mask?: string): string {
    let scores = this.op("MatMul", [q, keyTransposed]);
    if (mask) scores = this.op("Add", [scores, mask]);
    return this.op("MatMul", [this.op("Softmax", [scores], { axis: -1 }), v]);
  }
}
