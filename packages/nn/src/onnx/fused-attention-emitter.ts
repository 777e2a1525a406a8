import { type AttentionEmitOptions, OnnxAttentionEmitter } from "./attention-emitter.js";
import { OnnxFloatAttribute } from "./graph-builder.js";
import type { Rotary } from "./rotary-emitter.js";

/**
 * The onnxruntime com.microsoft form of cached self attention for `OnnxEmitter` (RotaryEmbedding
 * + MultiHeadAttention): fewer, larger nodes than the decomposed `OnnxAttentionEmitter` form,
 * which matters because a decoding step is latency-bound by per-node overhead.
 */
export class OnnxFusedAttentionEmitter extends OnnxAttentionEmitter {
  /**
   * Self attention over the KV cache with contrib operators: the fused q/k/v product (+ bias),
   * one RotaryEmbedding for q and k together, and com.microsoft MultiHeadAttention, which
   * appends the new keys/values to `past` (writing `present`, [B, H, past + T, D]) and attends
   * with the additive mask. The √qk_scale on q and k and 1/√D are folded into the weights, so
   * the operator's own scale is 1. Returns the bare `out` product and its bias (for a
   * SkipLayerNormalization).
   */
  protected cachedSelfAttention(
    x: string,
    prefix: string,
    options: Omit<AttentionEmitOptions, "rotary"> & { rotary: Rotary; mask: string; past: { key: string; value: string }; presentNames?: { key: string; value: string } },
  ): { out: string; outBias: string | undefined; key: string; value: string } {
    const { nHead, headDim } = options;
    const width = nHead * headDim;
    const qkv = this.queryKeyValue(x, prefix, options);
    const [qk = "", v = ""] = this.opMulti("Split", [qkv, this.int64([2 * width, width])], 2, { axis: -1 });
    const [q = "", k = ""] = this.opMulti("Split", [this.rotaryEmbedding(qk, options.rotary, 2 * nHead, headDim), this.int64([width, width])], 2, { axis: -1 });
    const [attended = "", key = "", value = ""] = this.contribOp(
      "MultiHeadAttention",
      [q, k, v, "", "", this.attentionBias(options.mask), options.past.key, options.past.value],
      ["y", "present_key", "present_value"],
      { num_heads: nHead, scale: new OnnxFloatAttribute(1) },
      options.presentNames ? { 1: options.presentNames.key, 2: options.presentNames.value } : {},
    );
    const projected = this.fusedProduct(attended, [{ prefix: `${prefix}.out`, scale: options.outScale ?? 1 }]);
    return { out: projected.product, outBias: projected.bias, key, value };
  }

  /** Cross attention of a query [B, T, W] over cached keys/values [B, H, T, D] as one com.microsoft MultiHeadAttention (scale 1: folded into the weights). */
  protected cachedCrossAttention(query: string, cross: { key: string; value: string }, nHead: number): string {
    return this.contribOp("MultiHeadAttention", [query, cross.key, cross.value], ["y"], { num_heads: nHead, scale: new OnnxFloatAttribute(1) })[0] ?? "";
  }

  /** [Tq, Tk] additive mask → [1, 1, Tq, Tk] (MultiHeadAttention's attention_bias), once per mask. */
  private attentionBias(mask: string): string {
    return this.once(`attention-bias|${mask}`, () => this.op("Unsqueeze", [mask, this.int64([0, 1])]));
  }
}
