import { OnnxEmitter } from "@autosing/nn";
import type { StateDict } from "@autosing/safetensors";

import type { Wav2Vec2Activation, Wav2Vec2Config } from "./config.js";
import type { FrameHead, WeightNormKeys } from "./parameters.js";
import { POS_CONV, WAV2VEC2_PREFIX, weightNormKeys } from "./parameters.js";

/** Graph input: 16 kHz mono float32 [batch, samples] (DESIGN.md §5, the frame-classifier contract). */
export const FRAME_CLASSIFIER_INPUT = "input_values";
/** Graph output: log-probabilities [batch, frames, classes] (upstream's `log(softmax(logits))`). */
export const FRAME_CLASSIFIER_OUTPUT = "logits";

export interface FrameClassifierGraphSpec {
  readonly config: Wav2Vec2Config;
  readonly head: FrameHead;
  readonly weightNorm: WeightNormKeys;
  /** The state dict with upstream's keys (`wav2vec2.…`, `lm_head.…` / `classifier.…`). */
  readonly weights: StateDict;
}

/**
 * `w = g · v / ‖v‖` with the norm over every dim but 2, as `weight_norm(conv, dim=2)` in
 * Wav2Vec2PositionalConvEmbedding: one magnitude per kernel tap. `v` is [out, in/groups, kernel].
 */
export function foldKernelWeightNorm(g: Float32Array, v: Float32Array, kernel: number): Float32Array {
  const out = new Float32Array(v.length);
  const rows = v.length / kernel;
  for (let k = 0; k < kernel; k++) {
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += v[r * kernel + k]! * v[r * kernel + k]!;
    const scale = g[k]! / Math.sqrt(sum);
    for (let r = 0; r < rows; r++) out[r * kernel + k] = v[r * kernel + k]! * scale;
  }
  return out;
}

/**
 * Emits the frame-classifier contract from a wav2vec2 model: audio [B, N] → log-probabilities
 * [B, frames, classes].
 *
 * Port of transformers' modeling_wav2vec2.py (inference path, no attention mask):
 * Wav2Vec2FeatureEncoder (convs without padding; GroupNorm with one group per channel after the
 * first conv, or LayerNorm after every conv, eps 1e-5, then the activation),
 * Wav2Vec2FeatureProjection (LayerNorm, Linear), Wav2Vec2PositionalConvEmbedding (grouped conv
 * padded K/2 each side, its last frame dropped for an even K, activation, added to the states),
 * then Wav2Vec2Encoder (LayerNorm, post-LN layers) or Wav2Vec2EncoderStableLayerNorm (pre-LN
 * layers, final LayerNorm), the head's Linear, and AutoSing alignment.py's log-softmax.
 */
export function emitFrameClassifierGraph(spec: FrameClassifierGraphSpec): OnnxEmitter["graph"] {
  const { config, head } = spec;
  const e = new OnnxEmitter("wav2vec2_frame_classifier", spec.weights, "float32", { contribOps: true });
  const g = e.graph;
  const p = WAV2VEC2_PREFIX;
  g.addInput(FRAME_CLASSIFIER_INPUT, "float32", ["batch", "samples"]);

  const param = (name: string): string => {
    const w = e.weight(name);
    return e.constant("w", w.data, w.shape);
  };
  const activate = (x: string, kind: Wav2Vec2Activation): string => activation(e, x, kind);
  const layerNorm = (x: string, prefix: string, epsilon: number): string =>
    e.op("LayerNormalization", [x, param(`${prefix}.weight`), param(`${prefix}.bias`)], { axis: -1, epsilon });
  const linear = (x: string, prefix: string): string => e.linear(x, prefix);
  /** [B, C, T] ↔ [B, T, C]. */
  const swap = (x: string): string => e.op("Transpose", [x], { perm: [0, 2, 1] });

  // Feature encoder, channels first.
  let x = e.op("Unsqueeze", [FRAME_CLASSIFIER_INPUT, e.int64([1])]);
  config.conv_dim.forEach((_, i) => {
    const layer = `${p}feature_extractor.conv_layers.${i}`;
    const inputs = [x, param(`${layer}.conv.weight`), ...(config.conv_bias ? [param(`${layer}.conv.bias`)] : [])];
    x = e.op("Conv", inputs, { kernel_shape: [config.conv_kernel[i] ?? 1], strides: [config.conv_stride[i] ?? 1] });
    if (config.feat_extract_norm === "layer") {
      x = swap(layerNorm(swap(x), `${layer}.layer_norm`, 1e-5));
    } else if (i === 0) {
      // nn.GroupNorm(num_groups = channels) normalises each channel over time: ONNX InstanceNormalization.
      x = e.op("InstanceNormalization", [x, param(`${layer}.layer_norm.weight`), param(`${layer}.layer_norm.bias`)], { epsilon: 1e-5 });
    }
    x = activate(x, config.feat_extract_activation);
  });
  x = linear(layerNorm(swap(x), `${p}feature_projection.layer_norm`, config.layer_norm_eps), `${p}feature_projection.projection`);

  x = e.op("Add", [x, positionalEmbedding(e, swap(x), spec)]);
  const eps = config.layer_norm_eps;
  if (!config.do_stable_layer_norm) x = layerNorm(x, `${p}encoder.layer_norm`, eps);
  const heads = config.num_attention_heads;
  const headDim = config.hidden_size / heads;
  for (let i = 0; i < config.num_hidden_layers; i++) {
    const layer = `${p}encoder.layers.${i}`;
    const attention = (input: string): string => {
      const qkv = e.fusedLinear(input, [
        { prefix: `${layer}.attention.q_proj`, scale: 1 / Math.sqrt(headDim) },
        { prefix: `${layer}.attention.k_proj` },
        { prefix: `${layer}.attention.v_proj` },
      ]);
      const width = config.hidden_size;
      const [q = "", k = "", v = ""] = e.opMulti("Split", [qkv, e.int64([width, width, width])], 3, { axis: -1 });
      const keyT = e.op("Transpose", [e.splitHeads(k, heads, headDim)], { perm: [0, 1, 3, 2] });
      const attended = e.attend(e.splitHeads(q, heads, headDim), keyT, e.splitHeads(v, heads, headDim));
      return linear(e.mergeHeads(attended, width), `${layer}.attention.out_proj`);
    };
    const feedForward = (input: string): string =>
      linear(activate(linear(input, `${layer}.feed_forward.intermediate_dense`), config.hidden_act), `${layer}.feed_forward.output_dense`);
    if (config.do_stable_layer_norm) {
      x = e.op("Add", [x, attention(layerNorm(x, `${layer}.layer_norm`, eps))]);
      x = e.op("Add", [x, feedForward(layerNorm(x, `${layer}.final_layer_norm`, eps))]);
    } else {
      x = layerNorm(e.op("Add", [x, attention(x)]), `${layer}.layer_norm`, eps);
      x = layerNorm(e.op("Add", [x, feedForward(x)]), `${layer}.final_layer_norm`, eps);
    }
  }
  if (config.do_stable_layer_norm) x = layerNorm(x, `${p}encoder.layer_norm`, eps);
  e.op("LogSoftmax", [linear(x, head)], { axis: -1 }, FRAME_CLASSIFIER_OUTPUT);
  g.addOutput(FRAME_CLASSIFIER_OUTPUT, "float32", ["batch", "frames", head === "lm_head" ? config.vocab_size : config.num_labels]);
  return g;
}

/** transformers' ACT2FN: "gelu" is the exact erf form (com.microsoft Gelu is too). */
function activation(e: OnnxEmitter, x: string, kind: Wav2Vec2Activation): string {
  return kind === "gelu" ? e.gelu(x) : e.op("Relu", [x]);
}

/** Wav2Vec2PositionalConvEmbedding of the states [B, H, T] (channels first), returned as [B, T, H]. */
function positionalEmbedding(e: OnnxEmitter, x: string, spec: FrameClassifierGraphSpec): string {
  const { config } = spec;
  const kernel = config.num_conv_pos_embeddings;
  const keys = weightNormKeys(spec.weightNorm);
  const v = e.weight(keys.v);
  const folded = foldKernelWeightNorm(e.weight(keys.g).data, v.data, kernel);
  const bias = e.weight(`${POS_CONV}.bias`);
  const half = Math.floor(kernel / 2);
  let y = e.op("Conv", [x, e.constant("pos_conv_w", folded, v.shape), e.constant("pos_conv_b", bias.data, bias.shape)], {
    kernel_shape: [kernel],
    pads: [half, half],
    group: config.num_conv_pos_embedding_groups,
  });
  // Wav2Vec2SamePadLayer: an even kernel padded K/2 on both sides gives one frame too many; drop the last.
  if (kernel % 2 === 0) y = e.op("Slice", [y, e.int64([0]), e.int64([-1]), e.int64([2])]);
  y = activation(e, y, config.feat_extract_activation);
  return e.op("Transpose", [y], { perm: [0, 2, 1] });
}
