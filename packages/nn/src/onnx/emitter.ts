import type { AttentionEmitOptions } from "./attention-emitter.js";
import { OnnxFusedAttentionEmitter } from "./fused-attention-emitter.js";
import type { Rotary } from "./rotary-emitter.js";

// The package entry exports the emitter's option types and mask value from here, next to the class.
export { ONNX_MASK_VALUE } from "./attention-emitter.js";
export type { AttentionEmitOptions } from "./attention-emitter.js";
export type { Rotary } from "./rotary-emitter.js";

/** Graph input names of one cross attention's precomputed keys/values per decoder layer, and the name of their length axis. */
export interface CrossInputNames {
  key: (layer: number) => string;
  value: (layer: number) => string;
  length: string;
}

/**
 * Emits the inference forms of the nn blocks into an ONNX graph. Weights come from a state
 * dict with upstream keys; PyTorch's [out, in] linear weights are transposed once at export
 * and scale factors are folded into them (as upstream `convert_for_eval` does), so a decoding
 * step is a few large MatMuls. Tensor names are generated; graph inputs/outputs keep theirs.
 *
 * The class is built in layers, one file each: naming and constants (`OnnxEmitterBase`),
 * linears and int8 weights (`OnnxLinearEmitter`), rope (`OnnxRotaryEmitter`), the decomposed
 * and the com.microsoft attention (`OnnxAttentionEmitter`, `OnnxFusedAttentionEmitter`); this
 * top layer holds the residual blocks and the KV-cached decoder stack of t2s and sm2a.
 */
export class OnnxEmitter extends OnnxFusedAttentionEmitter {
  /** A residual self-attention block (encoder layer): pre-LN attention and MLP. */
  encoderLayer(x: string, prefix: string, options: AttentionEmitOptions & { mask?: string }): string {
    const attn = this.selfAttention(this.layerNorm(x, `${prefix}.attn_ln`), `${prefix}.attn`, options);
    const y = this.op("Add", [x, attn.out]);
    return this.op("Add", [y, this.mlp(this.layerNorm(y, `${prefix}.mlp_ln`), `${prefix}.mlp`)]);
  }

  /**
   * Inference form of AutoSing's ResidualAttentionBlockME (one decoding step): self attention
   * over the KV cache, the two cross attentions over precomputed keys/values mixed α / (1 − α)
   * (folded into their `out` projections), the MLP. Returns the new hidden state and `present`.
   */
  twoCrossDecoderLayer(
    x: string,
    prefix: string,
    options: Omit<AttentionEmitOptions, "rotary"> & {
      rotary: Rotary;
      mask: string;
      past: { key: string; value: string };
      /** Graph output names for the concatenated cache (declare them with `graph.addOutput`). */
      presentNames?: { key: string; value: string };
      /** Precomputed cross keys/values [B, H, T, D] (crossKeyValue). */
      crossA: { key: string; value: string };
      crossB: { key: string; value: string };
      alpha: number;
    },
  ): { x: string; key: string; value: string } {
    const attention = { nHead: options.nHead, headDim: options.headDim, qkScale: options.qkScale };
    if (this.contribOps) return this.twoCrossDecoderLayerFused(x, prefix, options);
    const self = this.selfAttention(this.layerNorm(x, `${prefix}.attn_ln`), `${prefix}.attn`, {
      ...attention,
      rotary: options.rotary,
      mask: options.mask,
      past: options.past,
      ...(options.presentNames ? { presentNames: options.presentNames } : {}),
    });
    let y = this.op("Add", [x, self.out]);
    const cross = this.crossAttentionSum(
      this.layerNorm(y, `${prefix}.cross_attn_ln`),
      [
        { prefix: `${prefix}.cross_attn`, ...options.crossA, outScale: options.alpha, rotary: options.rotary },
        { prefix: `${prefix}.cross_attn_two`, ...options.crossB, outScale: 1 - options.alpha, rotary: options.rotary },
      ],
      attention,
    );
    y = this.op("Add", [y, cross]);
    y = this.op("Add", [y, this.mlp(this.layerNorm(y, `${prefix}.mlp_ln`), `${prefix}.mlp`)]);
    return { x: y, key: self.key, value: self.value };
  }

  /**
   * The encoder side of twoCrossDecoderStack: each decoder layer's cross keys and values of the
   * two memories (`cross_attn` reads `crossA.memory`, `cross_attn_two` reads `crossB.memory`),
   * emitted as graph outputs [B, H, length, D] under the names the decoder takes them as inputs.
   */
  twoCrossKeyValues(
    options: Omit<AttentionEmitOptions, "rotary"> & {
      depth: number;
      crossA: CrossInputNames & { memory: string; rotary: Rotary };
      crossB: CrossInputNames & { memory: string; rotary: Rotary };
    },
  ): void {
    const { nHead, headDim, qkScale } = options;
    for (let i = 0; i < options.depth; i++) {
      const a = this.crossKeyValue(options.crossA.memory, `decoder.layers.${i}.cross_attn`, { nHead, headDim, qkScale, rotary: options.crossA.rotary });
      const b = this.crossKeyValue(options.crossB.memory, `decoder.layers.${i}.cross_attn_two`, { nHead, headDim, qkScale, rotary: options.crossB.rotary });
      for (const [kv, names] of [[a, options.crossA], [b, options.crossB]] as const) {
        this.output(kv.key, names.key(i), ["batch", nHead, names.length, headDim]);
        this.output(kv.value, names.value(i), ["batch", nHead, names.length, headDim]);
      }
    }
  }

  /**
   * The KV-cached decoder stack of t2s and sm2a (one step of `depth` twoCrossDecoderLayers):
   * declares each layer's cross keys and values ([B, H, length, D]) and its `past` cache as
   * graph inputs, and its `present` cache as graph outputs, under the names given (DESIGN.md §5
   * for the cache). Returns the hidden state.
   */
  twoCrossDecoderStack(
    x: string,
    options: Omit<AttentionEmitOptions, "rotary"> & {
      depth: number;
      rotary: Rotary;
      mask: string;
      alpha: number;
      cache: { pastKey: (layer: number) => string; pastValue: (layer: number) => string; presentKey: (layer: number) => string; presentValue: (layer: number) => string };
      crossA: CrossInputNames;
      crossB: CrossInputNames;
    },
  ): string {
    const { nHead, headDim, cache } = options;
    const g = this.graph;
    let y = x;
    for (let i = 0; i < options.depth; i++) {
      for (const cross of [options.crossA, options.crossB]) {
        g.addInput(cross.key(i), "float32", ["batch", nHead, cross.length, headDim]);
        g.addInput(cross.value(i), "float32", ["batch", nHead, cross.length, headDim]);
      }
      g.addInput(cache.pastKey(i), "float32", ["batch", nHead, "past", headDim]);
      g.addInput(cache.pastValue(i), "float32", ["batch", nHead, "past", headDim]);
      const layer = this.twoCrossDecoderLayer(y, `decoder.layers.${i}`, {
        nHead,
        headDim,
        qkScale: options.qkScale,
        rotary: options.rotary,
        mask: options.mask,
        past: { key: cache.pastKey(i), value: cache.pastValue(i) },
        presentNames: { key: cache.presentKey(i), value: cache.presentValue(i) },
        crossA: { key: options.crossA.key(i), value: options.crossA.value(i) },
        crossB: { key: options.crossB.key(i), value: options.crossB.value(i) },
        alpha: options.alpha,
      });
      y = layer.x;
      g.addOutput(cache.presentKey(i), "float32", ["batch", nHead, "total", headDim]);
      g.addOutput(cache.presentValue(i), "float32", ["batch", nHead, "total", headDim]);
    }
    return y;
  }

  /**
   * twoCrossDecoderLayer with contrib operators: the residual Adds, bias Adds and the two inner
   * LayerNorms become SkipLayerNormalizations, both cross `out` biases one.
   */
  private twoCrossDecoderLayerFused(x: string, prefix: string, options: Parameters<OnnxEmitter["twoCrossDecoderLayer"]>[2]): { x: string; key: string; value: string } {
    const { nHead, headDim } = options;
    const width = nHead * headDim;
    const fusedAttention = this.options.fusedAttention ?? true;
    const normalized = this.layerNorm(x, `${prefix}.attn_ln`);
    const self = fusedAttention
      ? this.cachedSelfAttention(normalized, `${prefix}.attn`, options)
      : this.selfAttention(normalized, `${prefix}.attn`, {
          nHead,
          headDim,
          qkScale: options.qkScale,
          rotary: options.rotary,
          mask: options.mask,
          past: options.past,
          ...(options.presentNames ? { presentNames: options.presentNames } : {}),
          deferOutBias: true,
        });
    const afterSelf = this.skipLayerNorm(x, self.out, `${prefix}.cross_attn_ln`, self.outBias);
    const scale = Math.sqrt(options.qkScale) / Math.sqrt(headDim);
    const crossA = `${prefix}.cross_attn`;
    const crossB = `${prefix}.cross_attn_two`;
    const fused = this.fusedLinear(afterSelf.normalized, [
      { prefix: `${crossA}.query`, scale },
      { prefix: `${crossB}.query`, scale },
    ]);
    // Both cross queries are rotated at the same positions: one RotaryEmbedding over 2·nHead heads.
    const queries = fusedAttention ? this.rotaryEmbedding(fused, options.rotary, 2 * nHead, headDim) : fused;
    const [qa = "", qb = ""] = this.opMulti("Split", [queries, this.int64([width, width])], 2, { axis: -1 });
    const crossAttend = (query: string, cross: { key: string; value: string }): string =>
      fusedAttention
        ? this.cachedCrossAttention(query, cross, nHead)
        : this.mergeHeads(this.attend(this.splitHeads(query, nHead, headDim, options.rotary), this.transposedKey(cross.key), cross.value), width);
    const attendedA = crossAttend(qa, options.crossA);
    const attendedB = crossAttend(qb, options.crossB);
    // Both `out` projections (scaled by α and 1 − α) summed, their biases summed at export into the SkipLayerNormalization's bias.
    const outA = this.fusedProduct(attendedA, [{ prefix: `${crossA}.out`, scale: options.alpha, bias: false }]);
    const outB = this.fusedProduct(attendedB, [{ prefix: `${crossB}.out`, scale: 1 - options.alpha, bias: false }]);
    const biasA = this.weight(`${crossA}.out.bias`).data;
    const biasB = this.weight(`${crossB}.out.bias`).data;
    const crossBias = biasA.map((v, o) => v * options.alpha + (biasB[o] ?? 0) * (1 - options.alpha));
    const cross = { product: this.op("Add", [outA.product, outB.product]), bias: this.constant("b", crossBias, [crossBias.length]) };
    const afterCross = this.skipLayerNorm(afterSelf.sum, cross.product, `${prefix}.mlp_ln`, cross.bias);
    const y = this.op("Add", [afterCross.sum, this.mlp(afterCross.normalized, `${prefix}.mlp`)]);
    return { x: y, key: self.key, value: self.value };
  }
}
