import { OnnxEmitter, OnnxFloatAttribute } from "@autosing/nn";
import type { StateDict } from "@autosing/safetensors";

import type { BnWhisperConfig, BnWhisperTunables, WhisperDimensions } from "./config.js";
import { codebookSize } from "./config.js";

/** Graph input: Whisper log-mel [B, 80, 3000] (DESIGN.md §5). */
export const BN_WHISPER_INPUT = "mel";
/** Graph output: int64 tokens [B, 750]. */
export const BN_WHISPER_OUTPUT = "tokens";
/** Where the bottleneck's weights sit in the emitter's state dict (the Whisper encoder's keep their `encoder.` keys). */
export const BOTTLENECK_PREFIX = "bottleneck.";

export interface BnWhisperGraphSpec {
  readonly dims: WhisperDimensions;
  readonly config: BnWhisperConfig;
  readonly tunables: BnWhisperTunables;
  /** Whisper keys as in `model_state_dict` (`encoder.…`) and the rvq.model keys under `bottleneck.`. */
  readonly weights: StateDict;
  /**
   * onnxruntime com.microsoft operators where they replace several nodes: Gelu, BiasGelu,
   * SkipLayerNormalization and MultiHeadAttention (whose CPU kernel never materialises the
   * 1500 × 1500 scores of every head at once); default true. False emits standard ONNX only.
   */
  readonly contribOps?: boolean;
}

/**
 * Emits the BN-Whisper ONNX contract: log-mel [B, 80, 3000] → int64 tokens [B, 750].
 *
 * Port of WhisperSpeech vq_stoks.py: RQBottleneckTransformer.encode_mel → quantize, over OpenAI
 * whisper/model.py: AudioEncoder.forward — conv1 + GELU, conv2 (stride 2) + GELU, + the stored
 * sinusoidal positions, pre-LN residual blocks, ln_post; then downsample_embeddings, the residual
 * MLP (x + mlp(mlp_ln(x))), and vector-quantize-pytorch's cosine codebook lookup: project_in, then
 * the argmax over codes of l2norm(x)·embed. The l2norm of x is left out on purpose: it scales each
 * row by a positive factor, which no argmax can see; `embed` is used as stored (CosineSimCodebook
 * keeps it l2-normalised and does not normalise it again at lookup). GELU is the exact erf form and
 * every LayerNorm uses eps 1e-5, as upstream.
 */
export function emitBnWhisperGraph(spec: BnWhisperGraphSpec): Uint8Array {
  return emitBnWhisperGraphBuilder(spec).toBytes({ producerName: "@autosing/pretrained" });
}

/** The same graph as a builder, for `writeModel` with external data (a real-size graph is never held twice). */
export function emitBnWhisperGraphBuilder(spec: BnWhisperGraphSpec): OnnxEmitter["graph"] {
  const { dims, config, tunables } = spec;
  const emitter = new OnnxEmitter("bn_whisper", spec.weights, "float32", { contribOps: spec.contribOps ?? true });
  const g = emitter.graph;
  const state = dims.n_audio_state;
  const frames = 2 * dims.n_audio_ctx;
  const tokens = dims.n_audio_ctx / config.downsample;
  g.addInput(BN_WHISPER_INPUT, "float32", ["batch", dims.n_mels, frames]);

  const conv = (x: string, prefix: string, stride: number): string => {
    const w = emitter.weight(`${prefix}.weight`);
    const b = emitter.weight(`${prefix}.bias`);
    return emitter.op("Conv", [x, emitter.constant("conv_w", w.data, w.shape), emitter.constant("conv_b", b.data, b.shape)], {
      kernel_shape: [3],
      pads: [1, 1],
      strides: [stride],
    });
  };
  const stem = emitter.gelu(conv(emitter.gelu(conv(BN_WHISPER_INPUT, "encoder.conv1", 1)), "encoder.conv2", 2));
  const positions = emitter.weight("encoder.positional_embedding");
  let x = emitter.op("Add", [emitter.op("Transpose", [stem], { perm: [0, 2, 1] }), emitter.constant("positions", positions.data, positions.shape)]);
  const attention = { nHead: dims.n_audio_head, headDim: state / dims.n_audio_head, qkScale: 1 };
  for (let i = 0; i < dims.n_audio_layer; i++) {
    const prefix = `encoder.blocks.${i}`;
    x = spec.contribOps ?? true ? fusedEncoderLayer(emitter, x, prefix, attention) : emitter.encoderLayer(x, prefix, attention);
  }
  x = emitter.layerNorm(x, "encoder.ln_post");

  x = downsample(emitter, x, { state, frames: dims.n_audio_ctx, tokens, factor: config.downsample, tunables });
  x = emitter.op("Add", [x, emitter.mlp(emitter.layerNorm(x, `${BOTTLENECK_PREFIX}mlp_ln`), `${BOTTLENECK_PREFIX}mlp`)]);
  const vq = `${BOTTLENECK_PREFIX}rq.layers.0`;
  if (config.codebook_dim !== state) x = emitter.linear(x, `${vq}.project_in`);
  const embed = emitter.weight(`${vq}._codebook.embed`);
  const codes = codebookSize(config, tunables);
  const embedT = new Float32Array(config.codebook_dim * codes);
  for (let c = 0; c < codes; c++) for (let d = 0; d < config.codebook_dim; d++) embedT[d * codes + c] = embed.data[c * config.codebook_dim + d] ?? 0;
  const similarity = emitter.op("MatMul", [x, emitter.constant("codebook", embedT, [config.codebook_dim, codes])]);
  emitter.op("ArgMax", [similarity], { axis: -1, keepdims: 0 }, BN_WHISPER_OUTPUT);
  g.addOutput(BN_WHISPER_OUTPUT, "int64", ["batch", tokens]);
  return g;
}

/**
 * Port of vq_stoks.py: RQBottleneckTransformer.downsample_embeddings — x[:, ::d] plus a strided
 * conv (downsample_conv), the mean of each d frames (downsample_mean), or every d-th frame.
 */
function downsample(
  emitter: OnnxEmitter,
  x: string,
  options: { state: number; frames: number; tokens: number; factor: number; tunables: BnWhisperTunables },
): string {
  const { state, factor, tunables } = options;
  if (factor === 1) return x;
  const strided = (): string => emitter.op("Slice", [x, emitter.int64([0]), emitter.int64([options.frames]), emitter.int64([1]), emitter.int64([factor])]);
  if (tunables.downsample_conv) {
    const w = emitter.weight(`${BOTTLENECK_PREFIX}downsample_conv.weight`);
    const b = emitter.weight(`${BOTTLENECK_PREFIX}downsample_conv.bias`);
    const channels = emitter.op("Transpose", [x], { perm: [0, 2, 1] });
    const conv = emitter.op("Conv", [channels, emitter.constant("conv_w", w.data, w.shape), emitter.constant("conv_b", b.data, b.shape)], {
      kernel_shape: [3],
      pads: [1, 1],
      strides: [factor],
    });
    return emitter.op("Add", [strided(), emitter.op("Transpose", [conv], { perm: [0, 2, 1] })]);
  }
  if (tunables.downsample_mean) {
    const grouped = emitter.op("Reshape", [x, emitter.int64([0, options.tokens, factor, state])]);
    return emitter.op("ReduceMean", [grouped], { axes: [2], keepdims: 0 });
  }
  return strided();
}

/**
 * Port of whisper/model.py: ResidualAttentionBlock.forward without cross attention, in
 * onnxruntime's contrib operators: the fused q/k/v product (Whisper's (D^-1/4)² folded into the
 * query weights; `key` has no bias), com.microsoft MultiHeadAttention with scale 1, and the
 * attention residual + mlp_ln as one SkipLayerNormalization.
 */
function fusedEncoderLayer(emitter: OnnxEmitter, x: string, prefix: string, options: { nHead: number; headDim: number }): string {
  const { nHead, headDim } = options;
  const width = nHead * headDim;
  const qkv = emitter.fusedLinear(emitter.layerNorm(x, `${prefix}.attn_ln`), [
    { prefix: `${prefix}.attn.query`, scale: 1 / Math.sqrt(headDim) },
    { prefix: `${prefix}.attn.key`, bias: false },
    { prefix: `${prefix}.attn.value` },
  ]);
  const [q = "", k = "", v = ""] = emitter.opMulti("Split", [qkv, emitter.int64([width, width, width])], 3, { axis: -1 });
  const [attended = ""] = emitter.contribOp("MultiHeadAttention", [q, k, v], ["y"], { num_heads: nHead, scale: new OnnxFloatAttribute(1) });
  const out = emitter.fusedProduct(attended, [{ prefix: `${prefix}.attn.out` }]);
  const residual = emitter.skipLayerNorm(x, out.product, `${prefix}.mlp_ln`, out.bias);
  return emitter.op("Add", [residual.sum, emitter.mlp(residual.normalized, `${prefix}.mlp`)]);
}
