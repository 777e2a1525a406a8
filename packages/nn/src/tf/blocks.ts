import * as tf from "@tensorflow/tfjs-core";

import { ROTARY_CACHE_LENGTH, rotaryTables } from "../tables.js";
import { attentionCore } from "./attention-core.js";
import { nativeGelu, nativeLayerNorm } from "./native-pointwise.js";
import { activeNativeMatMul } from "./wasm-matmul.js";

/** Looks up a parameter or buffer by upstream state-dict key. */
export type WeightLookup = (name: string) => tf.Tensor;

/** Rotary cos/sin tables as tensors [ROTARY_CACHE_LENGTH, headDim], built once per model. */
export class TfRotary {
  readonly cos: tf.Tensor2D;
  readonly sin: tf.Tensor2D;
  private readonly rotateHalf: tf.Tensor2D;

  constructor(readonly headDim: number, length = ROTARY_CACHE_LENGTH) {
    const { cos, sin } = rotaryTables(length, headDim);
    this.cos = tf.tensor2d(cos, [length, headDim]);
    this.sin = tf.tensor2d(sin, [length, headDim]);
    const half = headDim / 2;
    const matrix = new Float32Array(headDim * headDim);
    for (let j = 0; j < half; j++) {
      matrix[(j + half) * headDim + j] = -1;
      matrix[j * headDim + j + half] = 1;
    }
    this.rotateHalf = tf.tensor2d(matrix, [headDim, headDim]);
  }

  /**
   * Port of whisperspeech/modules.py: rope_rotate — x·cos + rotate_half(x)·sin at the given
   * positions; x is [B, T, H, D], positions int32 [T] (already multiplied by subsampling).
   */
  rotate(x: tf.Tensor4D, positions: tf.Tensor1D | tf.Tensor2D): tf.Tensor4D {
    const [, t, , d] = x.shape;
    // Positions [T] are shared by the batch; [B, T] (upstream's per-sample atoks_positions) are not.
    const lead = positions.rank === 2 ? (positions.shape[0] ?? 1) : 1;
    const cos = tf.reshape(tf.gather(this.cos, positions), [lead, t, 1, d]);
    const sin = tf.reshape(tf.gather(this.sin, positions), [lead, t, 1, d]);
    // rotate_half(x) = cat(−x2, x1) as one product with a fixed signed permutation matrix:
    // fewer, larger ops are what tfjs backends are fast at.
    const rotated = tf.reshape(tf.matMul(tf.reshape(x, [-1, d]), this.rotateHalf), x.shape);
    return tf.add(tf.mul(x, cos), tf.mul(rotated, sin));
  }

  dispose(): void {
    this.cos.dispose();
    this.sin.dispose();
    this.rotateHalf.dispose();
  }
}

/** y = x Wᵀ + b with PyTorch's [out, in] weight layout; x is [..., in]. */
export function linear(w: WeightLookup, prefix: string, x: tf.Tensor, bias = true): tf.Tensor {
  const weight = w(`${prefix}.weight`);
  const inFeatures = x.shape[x.shape.length - 1] ?? 0;
  const outFeatures = weight.shape[0] ?? 0;
  const flat = tf.reshape(x, [-1, inFeatures]);
  let y = tf.matMul(flat, weight, false, true);
  if (bias) y = tf.add(y, w(`${prefix}.bias`));
  return tf.reshape(y, [...x.shape.slice(0, -1), outFeatures]);
}

/**
 * Port of whisperspeech/modules.py: LayerNorm — eps 1e-5, computed in float32 (all our tensors
 * are). On wasm with onnxruntime's GEMM in use, one native graph each way (`nativeLayerNorm`).
 */
export function layerNorm(w: WeightLookup, prefix: string, x: tf.Tensor): tf.Tensor {
  const engine = x.dtype === "float32" ? activeNativeMatMul() : undefined;
  if (engine) return nativeLayerNorm(engine, x, w(`${prefix}.weight`), w(`${prefix}.bias`));
  const axis = x.shape.length - 1;
  const { mean, variance } = tf.moments(x, axis, true);
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normed, w(`${prefix}.weight`)), w(`${prefix}.bias`));
}

/** nn.GELU() default: the exact erf form (on wasm with onnxruntime in use, `nativeGelu`). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const engine = x.dtype === "float32" ? activeNativeMatMul() : undefined;
  if (engine) return nativeGelu(engine, x);
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

export interface AttentionConfig {
  nHead: number;
  /** q and k are each multiplied by √qk_scale before the usual 1/√head_dim. */
  qkScale: number;
  /** Rotary tables when the attention uses rope, else null. */
  rotary: TfRotary | null;
}

export interface AttentionCall {
  /** Causal (lower-triangular) masking; only meaningful when query and key positions coincide. */
  causal?: boolean;
  querySubsampling?: number;
  keySubsampling?: number;
}

const maskValue = -1e9;

function causalMask(tq: number, tk: number): tf.Tensor2D {
  const values = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) for (let j = i + 1; j < tk; j++) values[i * tk + j] = maskValue;
  return tf.tensor2d(values, [tq, tk]);
}

function scalePositions<T extends tf.Tensor1D | tf.Tensor2D>(positions: T, factor: number): T {
  return factor === 1 ? positions : tf.mul(positions, tf.scalar(factor, "int32"));
}

/**
 * Port of whisperspeech/modules.py: MultiHeadAttention.forward (training path) — query (QueryHead),
 * key (no bias) and value projections, q and k scaled by √qk_scale, rope at positions ×
 * subsampling, softmax attention, `out` projection. qx [B, Tq, W], kvx [B, Tk, W].
 */
export function multiHeadAttention(
  w: WeightLookup,
  prefix: string,
  config: AttentionConfig,
  qx: tf.Tensor3D,
  qPositions: tf.Tensor1D | tf.Tensor2D,
  kvx: tf.Tensor3D,
  kvPositions: tf.Tensor1D | tf.Tensor2D,
  call: AttentionCall = {},
): tf.Tensor3D {
  const [b, tq, width] = qx.shape;
  const tk = kvx.shape[1];
  const h = config.nHead;
  const d = width / h;
  const sqrtScale = Math.sqrt(config.qkScale);
  const split = (x: tf.Tensor, t: number, positions: tf.Tensor1D | tf.Tensor2D | null): tf.Tensor4D => {
    let y = tf.reshape(x, [b, t, h, d]) as tf.Tensor4D;
    if (positions && config.rotary) y = config.rotary.rotate(y, positions);
    return tf.transpose(y, [0, 2, 1, 3]);
  };
  const q = split(tf.mul(linear(w, `${prefix}.query`, qx), sqrtScale), tq, scalePositions(qPositions, call.querySubsampling ?? 1));
  const k = split(tf.mul(linear(w, `${prefix}.key`, kvx, false), sqrtScale), tk, scalePositions(kvPositions, call.keySubsampling ?? 1));
  const v = split(linear(w, `${prefix}.value`, kvx), tk, null);
  const attended = attentionCore(q, k, v, 1 / Math.sqrt(d), call.causal ? causalMask(tq, tk) : null);
  const merged = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [b, tq, width]);
  return linear(w, `${prefix}.out`, merged) as tf.Tensor3D;
}

/** `mlp`: Linear(W, W·ffn_mult) → GELU → Linear(W·ffn_mult, W) (keys mlp.0 and mlp.2). */
export function mlp(w: WeightLookup, prefix: string, x: tf.Tensor): tf.Tensor {
  return linear(w, `${prefix}.2`, gelu(linear(w, `${prefix}.0`, x)));
}

export interface CrossInput {
  x: tf.Tensor3D;
  positions: tf.Tensor1D;
  keySubsampling?: number;
}

/**
 * Port of whisperspeech/modules.py: ResidualAttentionBlock.forward — pre-LN self attention,
 * optional cross attention (`cross_attn`, `cross_attn_ln`), pre-LN GELU MLP.
 */
export function residualAttentionBlock(
  w: WeightLookup,
  prefix: string,
  config: AttentionConfig,
  x: tf.Tensor3D,
  positions: tf.Tensor1D | tf.Tensor2D,
  options: { causal?: boolean; cross?: CrossInput } = {},
): tf.Tensor3D {
  let lnx = layerNorm(w, `${prefix}.attn_ln`, x) as tf.Tensor3D;
  let y = tf.add(x, multiHeadAttention(w, `${prefix}.attn`, config, lnx, positions, lnx, positions, { causal: options.causal ?? false })) as tf.Tensor3D;
  if (options.cross) {
    lnx = layerNorm(w, `${prefix}.cross_attn_ln`, y) as tf.Tensor3D;
    const c = options.cross;
    y = tf.add(y, multiHeadAttention(w, `${prefix}.cross_attn`, config, lnx, positions, c.x, c.positions, { keySubsampling: c.keySubsampling ?? 1 }));
  }
  return tf.add(y, mlp(w, `${prefix}.mlp`, layerNorm(w, `${prefix}.mlp_ln`, y))) as tf.Tensor3D;
}

/** AutoSing's mix of the two cross attentions (`ResidualAttentionBlockME.alpha`). */
export const CROSS_MIX_ALPHA = 0.8;

/**
 * Port of autosing/sm2a.py: ResidualAttentionBlockME.forward — self attention, then one LayerNorm
 * feeding two cross attentions mixed α·u + (1−α)·v, then the MLP.
 */
export function residualAttentionBlockTwoCross(
  w: WeightLookup,
  prefix: string,
  config: AttentionConfig,
  x: tf.Tensor3D,
  positions: tf.Tensor1D | tf.Tensor2D,
  crossA: CrossInput,
  crossB: CrossInput,
  options: { causal?: boolean; alpha?: number } = {},
): tf.Tensor3D {
  const alpha = options.alpha ?? CROSS_MIX_ALPHA;
  let lnx = layerNorm(w, `${prefix}.attn_ln`, x) as tf.Tensor3D;
  let y = tf.add(x, multiHeadAttention(w, `${prefix}.attn`, config, lnx, positions, lnx, positions, { causal: options.causal ?? false })) as tf.Tensor3D;
  lnx = layerNorm(w, `${prefix}.cross_attn_ln`, y) as tf.Tensor3D;
  const u = multiHeadAttention(w, `${prefix}.cross_attn`, config, lnx, positions, crossA.x, crossA.positions, { keySubsampling: crossA.keySubsampling ?? 1 });
  const v = multiHeadAttention(w, `${prefix}.cross_attn_two`, config, lnx, positions, crossB.x, crossB.positions, { keySubsampling: crossB.keySubsampling ?? 1 });
  y = tf.add(y, tf.add(tf.mul(u, alpha), tf.mul(v, 1 - alpha))) as tf.Tensor3D;
  return tf.add(y, mlp(w, `${prefix}.mlp`, layerNorm(w, `${prefix}.mlp_ln`, y))) as tf.Tensor3D;
}

/** Shape of a FlexEmbeddings module (WhisperSpeech modules.py). */
export interface FlexEmbeddingsShape {
  codes: number;
  width: number;
  /** Number of special codes (ids ≥ codes), 0 for none. */
  specialCodes: number;
  /** Width of `main` when it differs from `width` (then `emb_to_hidden`/`hidden_to_emb` exist). */
  frozenWidth: number;
  /** Whether `hidden_to_emb` exists (upstream `unembed=True`). */
  unembed: boolean;
}

/**
 * Port of whisperspeech/modules.py: FlexEmbeddings.forward — ids < codes look up `main`
 * (projected by `emb_to_hidden` when narrower), ids ≥ codes look up `special`. toks int32 [...].
 */
export function flexEmbed(w: WeightLookup, prefix: string, shape: FlexEmbeddingsShape, toks: tf.Tensor, specialName = `${prefix}.special.weight`): tf.Tensor {
  const isSpecial = shape.specialCodes > 0 ? tf.greaterEqual(toks, shape.codes) : null;
  const mainIds = isSpecial ? tf.where(isSpecial, tf.zerosLike(toks), toks) : toks;
  let embs = tf.gather(w(`${prefix}.main.weight`), mainIds);
  if (shape.frozenWidth !== shape.width) embs = linear(w, `${prefix}.emb_to_hidden`, embs);
  if (isSpecial) {
    const specialIds = tf.where(isSpecial, tf.sub(toks, tf.scalar(shape.codes, "int32")), tf.zerosLike(toks));
    const special = tf.gather(w(specialName), specialIds);
    // The choice per id as 0/1 weights broadcast over the width: the same values (x·1 + y·0 is x
    // exactly for finite weights) and gradients as a `where`, without tiling the mask to the
    // embeddings' shape (wasm's Tile took 9 ms per [2, 320] lookup in t2s's step).
    const chooseSpecial = tf.expandDims(tf.cast(isSpecial, "float32"), -1);
    embs = tf.add(tf.mul(special, chooseSpecial), tf.mul(embs, tf.sub(1, chooseSpecial)));
  }
  return embs;
}

/**
 * Port of whisperspeech/modules.py: FlexEmbeddings.unembed — `hidden_to_emb` when present, dot
 * with `main`, then the special logits from the unprojected input concatenated after.
 */
export function flexUnembed(w: WeightLookup, prefix: string, shape: FlexEmbeddingsShape, x: tf.Tensor, specialName = `${prefix}.special.weight`): tf.Tensor {
  const projected = shape.unembed && shape.frozenWidth !== shape.width ? linear(w, `${prefix}.hidden_to_emb`, x) : x;
  const main = w(`${prefix}.main.weight`);
  const inner = projected.shape[projected.shape.length - 1] ?? 0;
  const lead = x.shape.slice(0, -1);
  const mainLogits = tf.reshape(tf.matMul(tf.reshape(projected, [-1, inner]), main, false, true), [...lead, shape.codes]);
  if (shape.specialCodes === 0) return mainLogits;
  const special = w(specialName);
  const specialLogits = tf.reshape(tf.matMul(tf.reshape(x, [-1, shape.width]), special, false, true), [...lead, shape.specialCodes]);
  return tf.concat([mainLogits, specialLogits], -1);
}

/**
 * Port of whisperspeech/s2a_delar_mup_wds_mlang.py: DelSumEmbedding.forward — the sum over
 * quantizers of each quantizer's FlexEmbeddings (2 special codes, the special table shared
 * by all quantizers: `embeddings.0.special`). toks int32 [B, Q, T] → [B, T, W].
 */
export function delSumEmbed(w: WeightLookup, prefix: string, shape: FlexEmbeddingsShape, quantizers: number, toks: tf.Tensor3D): tf.Tensor3D {
  let sum: tf.Tensor | null = null;
  const parts = tf.unstack(toks, 1);
  for (let q = 0; q < quantizers; q++) {
    const part = parts[q];
    if (!part) break;
    const e = flexEmbed(w, `${prefix}.embeddings.${q}`, shape, part, `${prefix}.embeddings.0.special.weight`);
    sum = sum ? tf.add(sum, e) : e;
  }
  return sum as tf.Tensor3D;
}

/**
 * Port of whisperspeech/s2a_delar_mup_wds_mlang.py: DelSumHead.forward — `splitter`
 * (Linear(W, W·Q) + GELU) split per quantizer, each unembedded by its FlexEmbeddings.
 * x [B, T, W] → logits [B, Q, T, codes + special].
 */
export function delSumHead(w: WeightLookup, prefix: string, embeddingsPrefix: string, shape: FlexEmbeddingsShape, quantizers: number, x: tf.Tensor3D): tf.Tensor4D {
  const [b, t, width] = x.shape;
  const split = tf.reshape(gelu(linear(w, `${prefix}.splitter.0`, x)), [b, t, quantizers, width]);
  const parts = tf.unstack(split, 2);
  const logits = parts.map((part, q) => flexUnembed(w, `${embeddingsPrefix}.${q}`, shape, part, `${embeddingsPrefix}.0.special.weight`));
  return tf.stack(logits, 1) as tf.Tensor4D;
}

/**
 * Mean cross entropy of logits [..., V] against int32 targets [...], as F.cross_entropy;
 * targets equal to `ignoreIndex` count neither in the sum nor in the mean. Uses one-hot
 * products rather than gather so that every backend has the gradient.
 */
export function crossEntropy(logits: tf.Tensor, targets: tf.Tensor, ignoreIndex?: number): tf.Scalar {
  const vocab = logits.shape[logits.shape.length - 1] ?? 0;
  const flatLogits = tf.reshape(logits, [-1, vocab]);
  const flatTargets = tf.cast(tf.reshape(targets, [-1]), "int32");
  const logProbs = tf.logSoftmax(flatLogits);
  const picked = tf.sum(tf.mul(logProbs, tf.oneHot(flatTargets, vocab)), 1);
  if (ignoreIndex === undefined) return tf.neg(tf.mean(picked)) as tf.Scalar;
  const valid = tf.cast(tf.notEqual(flatTargets, ignoreIndex), "float32");
  return tf.neg(tf.div(tf.sum(tf.mul(picked, valid)), tf.maximum(tf.sum(valid), 1))) as tf.Scalar;
}
