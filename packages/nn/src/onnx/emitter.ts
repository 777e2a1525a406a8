import { TensorShapeError } from "../errors.js";
import type { StateDict } from "../safetensors.js";
import { ROTARY_CACHE_LENGTH, rotaryTables } from "../tables.js";
import { OnnxFloatAttribute, OnnxGraphBuilder } from "./graph-builder.js";
import type { OnnxAttributeValue } from "./graph-builder.js";

export const ONNX_MASK_VALUE = -1e9;

/** Graph input names of one cross attention's precomputed keys/values per decoder layer, and the name of their length axis. */
export interface CrossInputNames {
  key: (layer: number) => string;
  value: (layer: number) => string;
  length: string;
}

/** Rope tables for a set of positions: cos/sin [T, 1, D]; `positions` (int64 [T]) when they are dynamic (rotaryAt). */
export interface Rotary {
  cos: string;
  sin: string;
  positions?: string;
}

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
 * Emits the inference forms of the nn blocks into an ONNX graph. Weights come from a state
 * dict with upstream keys; PyTorch's [out, in] linear weights are transposed once at export
 * and scale factors are folded into them (as upstream `convert_for_eval` does), so a decoding
 * step is a few large MatMuls. Tensor names are generated; graph inputs/outputs keep theirs.
 */
export class OnnxEmitter {
  readonly graph: OnnxGraphBuilder;
  private counter = 0;
  private readonly constants = new Map<string, string>();
  /** Nodes and tables built once per graph (rope tables, position ids, masks), by key. */
  private readonly built = new Map<string, unknown>();

  constructor(
    name: string,
    private readonly weights: StateDict,
    /**
     * "int8" stores linear weights as int8 with one float scale per output column and multiplies
     * through DynamicQuantizeLinear + MatMulInteger (fused by onnxruntime into
     * DynamicQuantizeMatMul): a quarter of the bytes read per decoding step, at ~1e-2 relative
     * error. Embedding tables and the unembedding stay float32.
     */
    private readonly weightType: "float32" | "int8" = "float32",
    /**
     * `contribOps: true` emits onnxruntime's com.microsoft operators where they replace several
     * nodes (Gelu, BiasGelu, SkipLayerNormalization): the decoding step is latency-bound by
     * per-node overhead once the weights are read, so fewer nodes is a faster step. The graphs
     * then need onnxruntime (which is what runs them here).
     */
    private readonly options: {
      contribOps?: boolean;
      /**
       * With contribOps, decoder self attention through com.microsoft RotaryEmbedding +
       * MultiHeadAttention (default true); false keeps the decomposed attention (A/B benchmarks).
       */
      fusedAttention?: boolean;
    } = {},
  ) {
    this.graph = new OnnxGraphBuilder(name);
  }

  /** The value `build` made for `key` the first time it was asked for: graph pieces shared by every layer. */
  private once<T>(key: string, build: () => T): T {
    if (this.built.has(key)) return this.built.get(key) as T;
    const value = build();
    this.built.set(key, value);
    return value;
  }

  /** A fresh tensor name. */
  fresh(hint: string): string {
    return `${hint}_${this.counter++}`;
  }

  weight(name: string): { data: Float32Array; shape: number[] } {
    const tensor = this.weights.get(name);
    if (!tensor) throw new TensorShapeError(name, "is not in the state dict being exported");
    return tensor;
  }

  hasWeight(name: string): boolean {
    return this.weights.has(name);
  }

  /** Adds a float32 initializer under a generated name. */
  constant(hint: string, values: Float32Array, dims: readonly number[]): string {
    return this.graph.addInitializer(this.fresh(hint), values, dims);
  }

  /** Adds (once) an int64 constant such as a shape or axes list. */
  int64(values: readonly number[], dims: readonly number[] = [values.length]): string {
    const key = `${values.join(",")}|${dims.join(",")}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.graph.addInt64Initializer(this.fresh("i64"), values, dims);
    this.constants.set(key, name);
    return name;
  }

  /** Adds (once) a float scalar. */
  scalar(value: number): string {
    const key = `f${value}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = this.graph.addInitializer(this.fresh("f32"), new Float32Array([value]), []);
    this.constants.set(key, name);
    return name;
  }

  op(opType: string, inputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, outputName?: string): string {
    const out = outputName ?? this.fresh(opType.toLowerCase());
    this.graph.addNode(opType, inputs, [out], attributes);
    return out;
  }

  /** A com.microsoft (onnxruntime contrib) node; `outputs` names its outputs ("" = optional output left out). */
  contribOp(opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Record<string, OnnxAttributeValue> = {}, outputNames: Record<number, string> = {}): string[] {
    const names = outputs.map((o, k) => outputNames[k] ?? (o === "" ? "" : this.fresh(`${opType.toLowerCase()}_${o}`)));
    this.graph.addNode(opType, inputs, names, attributes, "com.microsoft");
    return names;
  }

  get contribOps(): boolean {
    return this.options.contribOps ?? false;
  }

  opMulti(opType: string, inputs: readonly string[], outputs: number, attributes: Record<string, number | number[]> = {}): string[] {
    const names = Array.from({ length: outputs }, () => this.fresh(opType.toLowerCase()));
    this.graph.addNode(opType, inputs, names, attributes);
    return names;
  }

  /** Transposed [in, out] copy of a PyTorch [out, in] weight, times `scale`. */
  transposedWeight(name: string, scale = 1): { data: Float32Array; inFeatures: number; outFeatures: number } {
    const { data, shape } = this.weight(name);
    const [outFeatures = 0, inFeatures = 0] = shape;
    const t = new Float32Array(inFeatures * outFeatures);
    for (let o = 0; o < outFeatures; o++) for (let i = 0; i < inFeatures; i++) t[i * outFeatures + o] = (data[o * inFeatures + i] ?? 0) * scale;
    return { data: t, inFeatures, outFeatures };
  }

  /**
   * One MatMul (+ Add) over several PyTorch linears sharing an input, concatenated along the
   * output (upstream `merge_linears`); each part has its own scale; missing biases are zero.
   */
  fusedLinear(x: string, parts: readonly { prefix: string; scale?: number; bias?: boolean }[]): string {
    const { product, bias } = this.fusedProduct(x, parts);
    return bias === undefined ? product : this.op("Add", [product, bias]);
  }

  /** fusedLinear without its bias Add: the product and the bias initializer (undefined when no part has a bias), for a fused consumer. */
  fusedProduct(x: string, parts: readonly { prefix: string; scale?: number; bias?: boolean }[]): { product: string; bias: string | undefined } {
    const ws = parts.map((p) => this.transposedWeight(`${p.prefix}.weight`, p.scale ?? 1));
    const inFeatures = ws[0]?.inFeatures ?? 0;
    const total = ws.reduce((a, w) => a + w.outFeatures, 0);
    const weight = new Float32Array(inFeatures * total);
    const bias = new Float32Array(total);
    let column = 0;
    let anyBias = false;
    parts.forEach((p, k) => {
      const w = ws[k];
      if (!w) return;
      for (let i = 0; i < inFeatures; i++) weight.set(w.data.subarray(i * w.outFeatures, (i + 1) * w.outFeatures), i * total + column);
      if (p.bias ?? true) {
        anyBias = true;
        const b = this.weight(`${p.prefix}.bias`).data;
        for (let o = 0; o < w.outFeatures; o++) bias[column + o] = (b[o] ?? 0) * (p.scale ?? 1);
      }
      column += w.outFeatures;
    });
    const product = this.weightType === "int8" ? this.int8MatMul(x, weight, inFeatures, total) : this.op("MatMul", [x, this.constant("w", weight, [inFeatures, total])]);
    return { product, bias: anyBias ? this.constant("b", bias, [total]) : undefined };
  }

  /**
   * com.microsoft SkipLayerNormalization: LayerNorm(input + skip + bias) with the LayerNorm
   * weights of `prefix`; returns the normalised output and the sum (the residual stream).
   */
  skipLayerNorm(input: string, skip: string, prefix: string, bias?: string): { normalized: string; sum: string } {
    const w = this.weight(`${prefix}.weight`);
    const b = this.weight(`${prefix}.bias`);
    const [normalized = "", , , sum = ""] = this.contribOp(
      "SkipLayerNormalization",
      [input, skip, this.constant("ln_w", w.data, w.shape), this.constant("ln_b", b.data, b.shape), ...(bias === undefined ? [] : [bias])],
      ["y", "", "", "sum"],
      { epsilon: 1e-5 },
    );
    return { normalized, sum };
  }

  /** x · W with W [in, out] quantized symmetrically per output column; x quantized per call. */
  private int8MatMul(x: string, weight: Float32Array, inFeatures: number, outFeatures: number): string {
    const scales = new Float32Array(outFeatures);
    for (let i = 0; i < inFeatures; i++) {
      for (let o = 0; o < outFeatures; o++) scales[o] = Math.max(scales[o] ?? 0, Math.abs(weight[i * outFeatures + o] ?? 0));
    }
    // 7-bit range (±63): x86 U8S8 kernels without VNNI sum pairs of products in saturating int16
    // (pmaddubsw), which overflows with full-range int8 weights (onnxruntime's "reduce_range").
    for (let o = 0; o < outFeatures; o++) scales[o] = (scales[o] ?? 0) > 0 ? (scales[o] ?? 0) / 63 : 1;
    const quantized = new Int8Array(inFeatures * outFeatures);
    for (let i = 0; i < inFeatures; i++) {
      for (let o = 0; o < outFeatures; o++) quantized[i * outFeatures + o] = Math.round((weight[i * outFeatures + o] ?? 0) / (scales[o] ?? 1));
    }
    const wq = this.graph.addInt8Initializer(this.fresh("wq"), quantized, [inFeatures, outFeatures]);
    const [xq = "", xScale = "", xZero = ""] = this.opMulti("DynamicQuantizeLinear", [x], 3);
    const integer = this.op("MatMulInteger", [xq, wq, xZero]);
    const scale = this.op("Mul", [xScale, this.constant("wscale", scales, [outFeatures])]);
    return this.op("Mul", [this.op("Cast", [integer], { to: 1 }), scale]);
  }

  linear(x: string, prefix: string, options: { scale?: number; bias?: boolean } = {}): string {
    return this.fusedLinear(x, [{ prefix, ...options }]);
  }

  layerNorm(x: string, prefix: string): string {
    const w = this.weight(`${prefix}.weight`);
    const b = this.weight(`${prefix}.bias`);
    return this.op("LayerNormalization", [x, this.constant("ln_w", w.data, w.shape), this.constant("ln_b", b.data, b.shape)], { axis: -1, epsilon: 1e-5 });
  }

  gelu(x: string): string {
    if (this.contribOps) return this.contribOp("Gelu", [x], ["y"])[0] ?? "";
    const erf = this.op("Erf", [this.op("Mul", [x, this.scalar(Math.SQRT1_2)])]);
    return this.op("Mul", [this.op("Mul", [x, this.scalar(0.5)]), this.op("Add", [erf, this.scalar(1)])]);
  }

  mlp(x: string, prefix: string): string {
    if (this.contribOps) {
      const hidden = this.fusedProduct(x, [{ prefix: `${prefix}.0` }]);
      const activated = hidden.bias === undefined ? this.gelu(hidden.product) : (this.contribOp("BiasGelu", [hidden.product, hidden.bias], ["y"])[0] ?? "");
      return this.linear(activated, `${prefix}.2`);
    }
    return this.linear(this.gelu(this.linear(x, `${prefix}.0`)), `${prefix}.2`);
  }

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

  /** Size of one axis of x as a 0-d int64 tensor. */
  dimension(x: string, axis: number): string {
    return this.op("Gather", [this.op("Shape", [x]), this.int64([axis], [])], { axis: 0 });
  }

  /** int64 [0, 1, …, length−1] for a 0-d int64 length. */
  range(length: string): string {
    return this.op("Range", [this.int64([0], []), length, this.int64([1], [])]);
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
        ? (this.contribOp("MultiHeadAttention", [query, cross.key, cross.value], ["y"], { num_heads: nHead, scale: new OnnxFloatAttribute(1) })[0] ?? "")
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

  /**
   * Self attention over the KV cache with contrib operators: the fused q/k/v product (+ bias),
   * one RotaryEmbedding for q and k together, and com.microsoft MultiHeadAttention, which
   * appends the new keys/values to `past` (writing `present`, [B, H, past + T, D]) and attends
   * with the additive mask. The √qk_scale on q and k and 1/√D are folded into the weights, so
   * the operator's own scale is 1. Returns the bare `out` product and its bias (for a
   * SkipLayerNormalization).
   */
  private cachedSelfAttention(
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

  /**
   * The fused q/k/v product [B, T, 3W] of a self attention (+ bias; `key` has none): √qk_scale
   * on q and k as upstream, and 1/√D folded into q, so the scores need no further scaling.
   */
  private queryKeyValue(x: string, prefix: string, options: { headDim: number; qkScale: number }): string {
    const sqrtScale = Math.sqrt(options.qkScale);
    return this.fusedLinear(x, [
      { prefix: `${prefix}.query`, scale: sqrtScale / Math.sqrt(options.headDim) },
      { prefix: `${prefix}.key`, scale: sqrtScale, bias: false },
      { prefix: `${prefix}.value` },
    ]);
  }

  /** [Tq, Tk] additive mask → [1, 1, Tq, Tk] (MultiHeadAttention's attention_bias), once per mask. */
  private attentionBias(mask: string): string {
    return this.once(`attention-bias|${mask}`, () => this.op("Unsqueeze", [mask, this.int64([0, 1])]));
  }

  /** A residual self-attention block (encoder layer): pre-LN attention and MLP. */
  encoderLayer(x: string, prefix: string, options: AttentionEmitOptions & { mask?: string }): string {
    const attn = this.selfAttention(this.layerNorm(x, `${prefix}.attn_ln`), `${prefix}.attn`, options);
    const y = this.op("Add", [x, attn.out]);
    return this.op("Add", [y, this.mlp(this.layerNorm(y, `${prefix}.mlp_ln`), `${prefix}.mlp`)]);
  }

  /** Exposes an internal tensor as a graph output under `name`. */
  output(from: string, name: string, shape: readonly (number | string)[]): void {
    this.graph.addNode("Identity", [from], [name]);
    this.graph.addOutput(name, "float32", shape);
  }

  /** [B, H, T, D] keys as [B, H, D, T] for `attend` (onnxruntime folds this Transpose into its MatMul as transB: no copy). */
  private transposedKey(key: string): string {
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

