import { OnnxEmitter } from "@autosing/nn";

import { SNAC_HEAD_DIM } from "./config.js";
import type { SnacModule } from "./layout.js";
import type { SnacWeights } from "./weights.js";

/**
 * Emits SNAC's modules (layout.ts) into an ONNX graph, tensors [B, C, T] as upstream has them.
 * Weights come from `SnacWeights` on demand (weight norm already folded), so each tensor is read
 * from the source file once, when its node is emitted. Port of snac 1.2.0 `layers.py` and
 * `attention.py` forward passes; where it differs (scales folded into weights, the noise scaled
 * by a graph input) the method says so.
 */
export class SnacGraphEmitter extends OnnxEmitter {
  constructor(
    name: string,
    private readonly snacWeights: SnacWeights,
  ) {
    super(name, new Map());
  }

  override weight(name: string): { data: Float32Array; shape: number[] } {
    return this.snacWeights.read(name);
  }

  override hasWeight(name: string): boolean {
    return this.snacWeights.has(name);
  }

  /** A weight as an initializer under its own state-dict name (readable in the graph). */
  initializer(key: string, transform?: (data: Float32Array, shape: number[]) => { data: Float32Array; shape: number[] }): string {
    const tensor = this.weight(key);
    const { data, shape } = transform ? transform(tensor.data, tensor.shape) : tensor;
    // Shared, not copied: the values are this graph's own (folded or transformed) or a read-only view of the source file.
    return this.graph.addInitializer(this.fresh(key), data, shape, { share: true });
  }

  /** Runs `modules` over x [B, C, T]; `noiseScale` is the decoder's noise_scale input. */
  modules(x: string, modules: readonly SnacModule[], noiseScale?: string): string {
    let y = x;
    for (const module of modules) y = this.module(y, module, noiseScale);
    return y;
  }

  private module(x: string, module: SnacModule, noiseScale: string | undefined): string {
    switch (module.type) {
      case "conv":
        return this.op("Conv", [x, this.initializer(`${module.prefix}.weight`), ...(module.bias ? [this.initializer(`${module.prefix}.bias`)] : [])], {
          kernel_shape: [module.kernel],
          strides: [module.stride],
          dilations: [module.dilation],
          pads: [module.padding, module.padding],
          group: module.groups,
        });
      case "convTranspose":
        return this.op("ConvTranspose", [x, this.initializer(`${module.prefix}.weight`), this.initializer(`${module.prefix}.bias`)], {
          kernel_shape: [module.kernel],
          strides: [module.stride],
          pads: [module.padding, module.padding],
          output_padding: [module.outputPadding],
        });
      case "snake":
        return this.snake(x, module.prefix);
      case "residual":
        return this.op("Add", [x, this.modules(x, module.block, noiseScale)]);
      case "attention":
        return this.localAttention(x, module.prefix, module.width, module.window);
      case "noise":
        if (noiseScale === undefined) throw new Error("SNAC noise block outside the decoder graph");
        return this.noise(x, module.prefix, noiseScale);
      case "tanh":
        return this.op("Tanh", [x]);
    }
  }

  /** Snake1d: x + 1/(α + 1e-9) · sin²(α x), with 1/(α + 1e-9) computed once here in float32 as torch does per call. */
  private snake(x: string, prefix: string): string {
    const alpha = this.weight(`${prefix}.alpha`);
    const reciprocal = alpha.data.map((a) => Math.fround(1 / Math.fround(a + 1e-9)));
    const a = this.graph.addInitializer(this.fresh(`${prefix}.alpha`), alpha.data, alpha.shape);
    const r = this.graph.addInitializer(this.fresh(`${prefix}.alpha_reciprocal`), reciprocal, alpha.shape);
    const sine = this.op("Sin", [this.op("Mul", [x, a])]);
    return this.op("Add", [x, this.op("Mul", [this.op("Mul", [sine, sine]), r])]);
  }

  /**
   * NoiseBlock: x + noise · linear(x) with noise ~ N(0, 1) of shape [B, 1, T]. onnxruntime draws
   * its own numbers (RandomNormalLike, unseeded: a fresh draw per run, as upstream's torch.randn),
   * scaled by the graph input noise_scale: 1 is upstream's behaviour, 0 a deterministic decode.
   */
  private noise(x: string, prefix: string, noiseScale: string): string {
    const h = this.op("Conv", [x, this.initializer(`${prefix}.linear.weight`)], { kernel_shape: [1] });
    const like = this.op("Slice", [x, this.int64([0]), this.int64([1]), this.int64([1])]);
    const noise = this.op("Mul", [this.op("RandomNormalLike", [like], { dtype: 1 }), noiseScale]);
    return this.op("Add", [x, this.op("Mul", [noise, h])]);
  }

  /**
   * LocalMHA: pre-LayerNorm, attention within windows of `window` frames with rotary positions
   * 0…window−1 (inv_freq from the weights, xpos off), 64-wide heads, no biases, residual. The
   * 1/√64 of scaled_dot_product_attention is folded into the query rows of to_qkv (rope is linear).
   */
  private localAttention(x: string, prefix: string, width: number, window: number): string {
    const heads = width / SNAC_HEAD_DIM;
    const d = SNAC_HEAD_DIM;
    const normalized = this.layerNorm(this.op("Transpose", [x], { perm: [0, 2, 1] }), `${prefix}.norm`);
    const qkvWeight = this.initializer(`${prefix}.to_qkv.weight`, (data, shape) => {
      const [rows, cols] = shape as [number, number];
      const scale = 1 / Math.sqrt(d);
      const out = new Float32Array(rows * cols);
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) out[c * rows + r] = r < width ? data[r * cols + c]! * scale : data[r * cols + c]!;
      }
      return { data: out, shape: [cols, rows] };
    });
    const qkv = this.op("MatMul", [normalized, qkvWeight]);
    const windowed = this.int64([0, -1, window, heads, d]);
    const [q, k, v] = this.opMulti("Split", [qkv, this.int64([width, width, width])], 3, { axis: -1 }).map((t) =>
      this.op("Transpose", [this.op("Reshape", [t, windowed])], { perm: [0, 3, 1, 2, 4] }),
    ) as [string, string, string];
    const { cos, sin } = this.windowRotary(prefix, window);
    const rotate = (t: string): string => {
      const [first, second] = this.opMulti("Split", [t, this.int64([d / 2, d / 2])], 2, { axis: -1 }) as [string, string];
      const half = this.op("Concat", [this.op("Neg", [second]), first], { axis: -1 });
      return this.op("Add", [this.op("Mul", [t, cos]), this.op("Mul", [half, sin])]);
    };
    const scores = this.op("MatMul", [rotate(q), this.op("Transpose", [rotate(k)], { perm: [0, 1, 2, 4, 3] })]);
    const attended = this.op("MatMul", [this.op("Softmax", [scores], { axis: -1 }), v]);
    const merged = this.op("Reshape", [this.op("Transpose", [attended], { perm: [0, 2, 3, 1, 4] }), this.int64([0, -1, width])]);
    const outWeight = this.initializer(`${prefix}.to_out.weight`, transposed);
    const out = this.op("Transpose", [this.op("MatMul", [merged, outWeight])], { perm: [0, 2, 1] });
    return this.op("Add", [out, x]);
  }

  /** SinusoidalEmbeddings for one window: cos/sin [window, 64] of t · inv_freq (t = 0…window−1), halves repeated. */
  private windowRotary(prefix: string, window: number): { cos: string; sin: string } {
    const inv = this.weight(`${prefix}.rel_pos.inv_freq`).data;
    const half = inv.length;
    const cos = new Float32Array(window * 2 * half);
    const sin = new Float32Array(window * 2 * half);
    for (let t = 0; t < window; t++) {
      for (let i = 0; i < half; i++) {
        const angle = Math.fround(t * inv[i]!);
        for (const j of [i, i + half]) {
          cos[t * 2 * half + j] = Math.cos(angle);
          sin[t * 2 * half + j] = Math.sin(angle);
        }
      }
    }
    return { cos: this.constant(`${prefix}.rope_cos`, cos, [window, 2 * half]), sin: this.constant(`${prefix}.rope_sin`, sin, [window, 2 * half]) };
  }
}

/** A [rows, cols] matrix as [cols, rows] (PyTorch's [out, in] linear weights for MatMul; [.., 1] kernels squeezed). */
export function transposed(data: Float32Array, shape: number[]): { data: Float32Array; shape: number[] } {
  const rows = shape[0]!;
  const cols = data.length / rows;
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]!;
  return { data: out, shape: [cols, rows] };
}
