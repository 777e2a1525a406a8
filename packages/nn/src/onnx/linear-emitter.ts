import { OnnxEmitterBase } from "./emitter-base.js";
import { quantizeInt8PerColumn } from "./int8-quantization.js";

/** One PyTorch linear of a fused product: its state-dict prefix, a factor folded into it, and whether it has a bias (default true). */
export interface LinearPart {
  prefix: string;
  scale?: number;
  bias?: boolean;
}

/**
 * The dense layers of `OnnxEmitter`: linears, LayerNorm, GELU and the MLP. Weights come from a
 * state dict with upstream keys; PyTorch's [out, in] linear weights are transposed once at
 * export and scale factors are folded into them (as upstream `convert_for_eval` does), so a
 * decoding step is a few large MatMuls.
 */
export class OnnxLinearEmitter extends OnnxEmitterBase {
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
  fusedLinear(x: string, parts: readonly LinearPart[]): string {
    const { product, bias } = this.fusedProduct(x, parts);
    return bias === undefined ? product : this.op("Add", [product, bias]);
  }

  /** fusedLinear without its bias Add: the product and the bias initializer (undefined when no part has a bias), for a fused consumer. */
  fusedProduct(x: string, parts: readonly LinearPart[]): { product: string; bias: string | undefined } {
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
    const { quantized, scales } = quantizeInt8PerColumn(weight, inFeatures, outFeatures);
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
}
