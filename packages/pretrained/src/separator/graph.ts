import { OnnxEmitter, OnnxFloatAttribute } from "@autosing/nn";

import type { RoformerArchitecture } from "./architecture.js";
import type { BandLayout } from "./band-layout.js";
import type { RoformerCommonConfig } from "./config.js";
import type { RoformerWeights } from "./weights.js";

/** Tensor names of the separator graph (the contract with @autosing/separation's RoFormer adapter). */
export const ROFORMER_GRAPH_NAMES = {
  /** float32 [batch, bins·channels, frames, 2]: the STFT, stereo merged into rows `(f s)`, (re, im) last. */
  input: "stft",
  /** float32 [batch, stems, frames, Σ 2·channels·bins]: each band's complex mask (upstream's `masks` before averaging). */
  output: "masks",
} as const;

export interface RoformerEmitterOptions {
  /**
   * true (default): the transformers use onnxruntime's com.microsoft operators where one node
   * replaces several: RotaryEmbedding + MultiHeadAttention (whose CPU kernel attends block by
   * block, flash attention, never writing the [heads, n, n] scores out), SimplifiedLayerNormalization
   * / SkipSimplifiedLayerNormalization (RMSNorm with the residual add and the feed-forward's
   * output bias in the same pass) and BiasGelu. The graph then needs onnxruntime, which is what
   * runs it. false: standard ONNX only (MatMul / Softmax / MatMul over the full scores), the A/B
   * reference of bench/separator-profile.ts.
   */
  readonly contribOps?: boolean;
}

/**
 * Emits a RoFormer's network from the band gather to the mask estimators (mel_band_roformer.py /
 * bs_roformer.py `forward` between the STFT and the mask product, which the adapter does with the
 * scatter-average and the iSTFT). BS-RoFormer's contiguous bands need no gather.
 * Port notes: attention's 1/√dim_head is folded into q's columns of to_qkv; the rotary angles are
 * position × the checkpoint's `rotary_embed.freqs`, computed in the graph for any length. The
 * transformers' RMSNorms are (Skip)SimplifiedLayerNormalization nodes (contrib form) or
 * F.normalize with √dim·γ folded into the linears after it (standard form, and the band split's
 * norms in both). The contrib form rotates with RotaryEmbedding; the standard one folds
 * rotate_half (a signed swap within each interleaved pair) into extra columns of to_qkv, so
 * q·cos + (q R)·sin needs no reshuffle at run time.
 */
export class RoformerEmitter extends OnnxEmitter {
  private readonly modelConfig: RoformerCommonConfig;
  private readonly layout: BandLayout;

  constructor(
    private readonly architecture: RoformerArchitecture,
    private readonly roformerWeights: RoformerWeights,
    options: RoformerEmitterOptions = {},
  ) {
    super(architecture.kind.replaceAll("-", "_"), new Map(), "float32", { contribOps: options.contribOps ?? true });
    this.modelConfig = architecture.model;
    this.layout = architecture.layout;
  }

  override weight(name: string): { data: Float32Array; shape: number[] } {
    return this.roformerWeights.read(name);
  }

  override hasWeight(name: string): boolean {
    return this.roformerWeights.has(name);
  }

  emit(): this {
    const rows = this.layout.channels * (this.modelConfig.stft_n_fft / 2 + 1);
    const stft = this.graph.addInput(ROFORMER_GRAPH_NAMES.input, "float32", ["batch", rows, "frames", 2]);
    const gathered = this.layout.contiguous ? stft : this.op("Gather", [stft, this.graph.addInt64Initializer("freq_indices", Array.from(this.layout.freqIndices), [this.layout.freqIndices.length])], { axis: 1 });
    const bands = this.op("Reshape", [this.op("Transpose", [gathered], { perm: [0, 2, 1, 3] }), this.int64([0, 0, -1])]);
    let x = this.bandSplit(bands);
    for (let d = 0; d < this.modelConfig.depth; d++) {
      const perm = { perm: [0, 2, 1, 3] };
      x = this.op("Transpose", [this.transformer(this.op("Transpose", [x], perm), `layers.${d}.0`, this.modelConfig.time_transformer_depth)], perm);
      x = this.transformer(x, `layers.${d}.1`, this.modelConfig.freq_transformer_depth);
    }
    if (this.architecture.finalNorm) x = this.rmsNorm(x, "final_norm");
    const stems = Array.from({ length: this.modelConfig.num_stems }, (_, s) => this.op("Unsqueeze", [this.maskEstimator(x, s), this.int64([1])]));
    const masks = stems.length === 1 ? stems[0]! : this.op("Concat", stems, { axis: 1 });
    this.output(masks, ROFORMER_GRAPH_NAMES.output, ["batch", this.modelConfig.num_stems, "frames", this.layout.bandInputs.reduce((a, b) => a + b, 0)]);
    return this;
  }

  /** F.normalize over the last axis: x / max(‖x‖₂, 1e-12). */
  private normalize(x: string): string {
    return this.op("Div", [x, this.op("Max", [this.op("ReduceL2", [x], { axes: [-1], keepdims: 1 }), this.scalar(1e-12)])]);
  }

  /** A [out, in] linear weight as MatMul's [in, out], row i of the input scaled by `inputScale[i]` (a folded RMSNorm). */
  private linearWeight(key: string, inputScale?: Float32Array, columns?: (w: Float32Array, out: number, inputs: number) => Float32Array): string {
    const { data, shape } = this.weight(key);
    const [out, inputs] = shape as [number, number];
    const source = columns ? columns(data, out, inputs) : data;
    const rows = source.length / inputs;
    const t = new Float32Array(source.length);
    for (let o = 0; o < rows; o++) for (let i = 0; i < inputs; i++) t[i * rows + o] = source[o * inputs + i]! * (inputScale ? inputScale[i]! : 1);
    return this.constant(key, t, [inputs, rows]);
  }

  /** √dim·γ of an RMSNorm, to fold into the next linear. */
  private rmsScale(key: string): Float32Array {
    const gamma = this.weight(key).data;
    const scale = Math.sqrt(gamma.length);
    return gamma.map((g) => g * scale);
  }

  private biasedLinear(x: string, prefix: string, inputScale?: Float32Array): string {
    const product = this.op("MatMul", [x, this.linearWeight(`${prefix}.weight`, inputScale)]);
    const bias = this.weight(`${prefix}.bias`);
    return this.op("Add", [product, this.constant(`${prefix}.bias`, bias.data, bias.shape)]);
  }

  /** BandSplit: per band RMSNorm + Linear(inputs → dim), stacked on a new band axis: [B, T, bands, dim]. */
  private bandSplit(x: string): string {
    const parts = this.opMulti("Split", [x, this.int64(this.layout.bandInputs)], this.layout.bandInputs.length, { axis: -1 });
    const features = parts.map((part, b) => {
      const prefix = `band_split.to_features.${b}`;
      const y = this.biasedLinear(this.normalize(part), `${prefix}.1`, this.rmsScale(`${prefix}.0.gamma`));
      return this.op("Unsqueeze", [y, this.int64([2])]);
    });
    return this.op("Concat", features, { axis: 2 });
  }

  /** RMSNorm with its own weight: normalize · √dim·γ. */
  private rmsNorm(x: string, prefix: string): string {
    const scale = this.rmsScale(`${prefix}.gamma`);
    return this.op("Mul", [this.normalize(x), this.constant(`${prefix}.scale`, scale, [scale.length])]);
  }

  /**
   * Transformer over the second-to-last axis of x [B, P, n, dim], run as [B·P, n, dim] (the
   * batch × sequence × hidden layout MultiHeadAttention reads); Mel-Band's ends with its RMSNorm.
   */
  private transformer(x: string, prefix: string, depth: number): string {
    const sequences = this.op("Reshape", [this.op("Flatten", [x], { axis: 2 }), this.int64([0, -1, this.modelConfig.dim])]);
    const y = this.contribOps ? this.contribTransformer(sequences, prefix, depth) : this.standardTransformer(sequences, prefix, depth);
    return this.op("Reshape", [y, this.op("Shape", [x])]);
  }

  /** The transformer in standard ONNX: each RMSNorm as normalize with √dim·γ folded into the linears after it. */
  private standardTransformer(x: string, prefix: string, depth: number): string {
    let y = x;
    for (let l = 0; l < depth; l++) {
      const attention = `${prefix}.layers.${l}.0`;
      y = this.op("Add", [this.decomposedAttention(this.normalize(y), attention, this.rmsScale(`${attention}.norm.gamma`)), y]);
      const ff = `${prefix}.layers.${l}.1.net`;
      const hidden = this.gelu(this.biasedLinear(this.normalize(y), `${ff}.1`, this.rmsScale(`${ff}.0.gamma`)));
      y = this.op("Add", [this.biasedLinear(hidden, `${ff}.4`), y]);
    }
    return this.architecture.normEachTransformer ? this.rmsNorm(y, `${prefix}.norm`) : y;
  }

  /**
   * The transformer with contrib operators. Each RMSNorm is a (Skip)SimplifiedLayerNormalization
   * with γ as its scale: x / √(mean(x²) + ε) · γ is F.normalize(x)·√dim·γ, with ε = (1e-12)² / dim
   * standing in for F.normalize's 1e-12 floor. The skip form adds the residual (and the pending
   * feed-forward bias) in the same pass and also returns that sum, the next residual.
   */
  private contribTransformer(x: string, prefix: string, depth: number): string {
    const epsilon = new OnnxFloatAttribute(1e-24 / this.modelConfig.dim);
    const gamma = (key: string): string => {
      const { data, shape } = this.weight(key);
      return this.constant(key, data, shape);
    };
    /** RMSNorm(product + residual + bias) and that sum. */
    const skipNorm = (product: string, residual: string, gammaKey: string, bias?: string): { normalized: string; sum: string } => {
      const [normalized, , , sum] = this.contribOp("SkipSimplifiedLayerNormalization", [product, residual, gamma(gammaKey), ...(bias === undefined ? [] : [bias])], ["y", "", "", "sum"], { epsilon }) as [string, string, string, string];
      return { normalized, sum };
    };
    let residual = x;
    // The last feed-forward's output product and bias, not yet added to the residual (the next norm adds them).
    let pending: { product: string; bias: string } | undefined;
    for (let l = 0; l < depth; l++) {
      const attention = `${prefix}.layers.${l}.0`;
      let normalized: string;
      if (pending === undefined) {
        normalized = this.op("SimplifiedLayerNormalization", [residual, gamma(`${attention}.norm.gamma`)], { axis: -1, epsilon });
      } else {
        ({ normalized, sum: residual } = skipNorm(pending.product, residual, `${attention}.norm.gamma`, pending.bias));
      }
      const ff = `${prefix}.layers.${l}.1.net`;
      const afterAttention = skipNorm(this.fusedAttention(normalized, attention), residual, `${ff}.0.gamma`);
      residual = afterAttention.sum;
      const inner = this.weight(`${ff}.1.bias`);
      const hidden = this.contribOp("BiasGelu", [this.op("MatMul", [afterAttention.normalized, this.linearWeight(`${ff}.1.weight`)]), this.constant(`${ff}.1.bias`, inner.data, inner.shape)], ["y"])[0]!;
      const outer = this.weight(`${ff}.4.bias`);
      pending = { product: this.op("MatMul", [hidden, this.linearWeight(`${ff}.4.weight`)]), bias: this.constant(`${ff}.4.bias`, outer.data, outer.shape) };
    }
    if (pending === undefined) return residual;
    if (this.architecture.normEachTransformer) return skipNorm(pending.product, residual, `${prefix}.norm.gamma`, pending.bias).normalized;
    return this.op("Add", [this.op("Add", [pending.product, pending.bias]), residual]);
  }

  /** Position × the checkpoint's `rotary_embed.freqs` for the n positions of x [B', n, ·]: [n, freqs]. */
  private rotaryAngles(x: string, freqsKey: string, pairs: boolean): string {
    const freqs = this.weight(freqsKey).data;
    // The decomposed form multiplies whole interleaved pairs, so each frequency comes twice.
    const table = pairs ? Float32Array.from({ length: 2 * freqs.length }, (_, i) => freqs[i >> 1]!) : freqs;
    const positions = this.op("Cast", [this.range(this.dimension(x, 1))], { to: 1 });
    return this.op("Mul", [this.op("Unsqueeze", [positions, this.int64([1])]), this.constant(`${freqsKey}.${pairs ? "pairs" : "table"}`, table, [1, table.length])]);
  }

  /**
   * to_qkv as MatMul weights [dim, ·] with 1/√dim_head on q (and the attention RMSNorm's √dim·γ
   * when `normScale` is given):
   * `columns` picks the output rows (0..inner: q, inner..2·inner: k, 2·inner..: v), `rotateHalf`
   * applies rotary's rotate_half to them (pair (a, b) → (−b, a), a signed swap of rows).
   */
  private qkvWeight(prefix: string, normScale: Float32Array | undefined, parts: readonly { readonly part: "q" | "k" | "v"; readonly rotateHalf?: boolean }[]): string {
    const inner = this.modelConfig.heads * this.modelConfig.dim_head;
    const scale = 1 / Math.sqrt(this.modelConfig.dim_head);
    return this.linearWeight(`${prefix}.to_qkv.weight`, normScale, (w, _out, inputs) => {
      const result = new Float32Array(parts.length * inner * inputs);
      parts.forEach(({ part, rotateHalf }, p) => {
        const offset = { q: 0, k: inner, v: 2 * inner }[part];
        const factor = part === "q" ? scale : 1;
        for (let r = 0; r < inner; r++) {
          const source = rotateHalf ? (r % 2 === 0 ? r + 1 : r - 1) : r;
          const sign = rotateHalf && r % 2 === 0 ? -1 : 1;
          const row = w.subarray((offset + source) * inputs, (offset + source + 1) * inputs);
          for (let i = 0; i < inputs; i++) result[(p * inner + r) * inputs + i] = sign * factor * row[i]!;
        }
      });
      return result;
    });
  }

  /** The per-head output gates times the attended values, heads merged back: [B', n, heads·dim_head] → to_out. */
  private gatedOutput(attended: string, normalized: string, prefix: string, normScale: Float32Array | undefined): string {
    const { heads, dim_head: dh } = this.modelConfig;
    const gates = this.op("Sigmoid", [this.biasedLinear(normalized, `${prefix}.to_gates`, normScale)]);
    const gated = this.op("Mul", [this.op("Reshape", [attended, this.int64([0, 0, heads, dh])]), this.op("Unsqueeze", [gates, this.int64([3])])]);
    return this.op("MatMul", [this.op("Reshape", [gated, this.int64([0, 0, heads * dh])]), this.linearWeight(`${prefix}.to_out.0.weight`)]);
  }

  /**
   * Gated attention with rotary positions (mel_band_roformer.py `Attention`, the fork's flash
   * `Attend` path) of the RMSNormed
   * input [B', n, dim] as onnxruntime contrib operators: q, k, v as three products (no split
   * copies), RotaryEmbedding (interleaved pairs, as rotary-embedding-torch) on q and k, and
   * MultiHeadAttention with scale 1 (1/√dim_head is folded into q).
   */
  private fusedAttention(normalized: string, prefix: string): string {
    const { heads } = this.modelConfig;
    const angles = this.rotaryAngles(normalized, `${prefix}.rotary_embed.freqs`, false);
    const cos = this.op("Cos", [angles]);
    const sin = this.op("Sin", [angles]);
    // One position_ids value is an offset: positions 0..n−1 for every sequence of the batch.
    const positionIds = this.int64([0], [1]);
    const rotary = (part: "q" | "k"): string =>
      this.contribOp("RotaryEmbedding", [this.op("MatMul", [normalized, this.qkvWeight(prefix, undefined, [{ part }])]), positionIds, cos, sin], ["y"], { interleaved: 1, num_heads: heads })[0]!;
    const q = rotary("q");
    const k = rotary("k");
    const v = this.op("MatMul", [normalized, this.qkvWeight(prefix, undefined, [{ part: "v" }])]);
    const [attended] = this.contribOp("MultiHeadAttention", [q, k, v], ["y"], { num_heads: heads, scale: new OnnxFloatAttribute(1) }) as [string];
    return this.gatedOutput(attended, normalized, prefix, undefined);
  }

  /**
   * The same attention in standard ONNX (the non-flash `Attend`): q·cos + rotate_half(q)·sin with
   * rotate_half folded into extra columns of the product, then MatMul / Softmax / MatMul over the
   * full [B', heads, n, n] scores. `normalized` is F.normalize of the input; the RMSNorm's √dim·γ
   * (`normScale`) is folded into the products.
   */
  private decomposedAttention(normalized: string, prefix: string, normScale: Float32Array): string {
    const { heads, dim_head: dh } = this.modelConfig;
    const weight = this.qkvWeight(prefix, normScale, [{ part: "q" }, { part: "q", rotateHalf: true }, { part: "k" }, { part: "k", rotateHalf: true }, { part: "v" }]);
    const qkv = this.op("Reshape", [this.op("MatMul", [normalized, weight]), this.int64([0, 0, 5 * heads, dh])]);
    const [q, qHalf, k, kHalf, v] = this.opMulti("Split", [this.op("Transpose", [qkv], { perm: [0, 2, 1, 3] }), this.int64([heads, heads, heads, heads, heads])], 5, { axis: 1 }) as [string, string, string, string, string];
    const angles = this.rotaryAngles(normalized, `${prefix}.rotary_embed.freqs`, true);
    const cos = this.op("Cos", [angles]);
    const sin = this.op("Sin", [angles]);
    const rotate = (t: string, half: string): string => this.op("Add", [this.op("Mul", [t, cos]), this.op("Mul", [half, sin])]);
    const scores = this.op("MatMul", [rotate(q, qHalf), this.op("Transpose", [rotate(k, kHalf)], { perm: [0, 1, 3, 2] })]);
    const attended = this.op("MatMul", [this.op("Softmax", [scores], { axis: -1 }), v]);
    const merged = this.op("Reshape", [this.op("Transpose", [attended], { perm: [0, 2, 1, 3] }), this.int64([0, 0, -1])]);
    return this.gatedOutput(merged, normalized, prefix, normScale);
  }

  /** MaskEstimator: per band MLP (Tanh between linears) then GLU, bands concatenated: [B, T, Σ inputs]. */
  private maskEstimator(x: string, stem: number): string {
    const count = this.layout.bandInputs.length;
    const bands = this.opMulti("Split", [x, this.int64(Array<number>(count).fill(1))], count, { axis: 2 });
    const outs = bands.map((band, b) => {
      let y = this.op("Squeeze", [band, this.int64([2])]);
      const layers = this.architecture.maskLinears;
      for (let i = 0; i < layers; i++) {
        y = this.biasedLinear(y, `mask_estimators.${stem}.to_freqs.${b}.0.${2 * i}`);
        if (i + 1 < layers) y = this.op("Tanh", [y]);
      }
      const [value, gate] = this.opMulti("Split", [y, this.int64([this.layout.bandInputs[b]!, this.layout.bandInputs[b]!])], 2, { axis: -1 }) as [string, string];
      return this.op("Mul", [value, this.op("Sigmoid", [gate])]);
    });
    return this.op("Concat", outs, { axis: -1 });
  }
}
