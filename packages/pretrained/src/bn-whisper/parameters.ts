import type { BnWhisperConfig, BnWhisperTunables, WhisperDimensions } from "./config.js";
import { codebookSize } from "./config.js";

/** State-dict key → PyTorch shape. */
export type ParameterShapes = ReadonlyMap<string, readonly number[]>;

function linear(into: Map<string, number[]>, prefix: string, inFeatures: number, outFeatures: number, bias = true): void {
  into.set(`${prefix}.weight`, [outFeatures, inFeatures]);
  if (bias) into.set(`${prefix}.bias`, [outFeatures]);
}

function layerNorm(into: Map<string, number[]>, prefix: string, width: number): void {
  into.set(`${prefix}.weight`, [width]);
  into.set(`${prefix}.bias`, [width]);
}

/**
 * The state-dict keys of OpenAI Whisper's AudioEncoder (whisper/model.py) under `encoder.`: the
 * conv stem, the sinusoidal `positional_embedding` buffer, `n_audio_layer` pre-LN blocks
 * (MultiHeadAttention's `key` has no bias) and `ln_post`.
 */
export function whisperEncoderShapes(dims: WhisperDimensions): ParameterShapes {
  const s = dims.n_audio_state;
  const out = new Map<string, number[]>();
  out.set("encoder.conv1.weight", [s, dims.n_mels, 3]);
  out.set("encoder.conv1.bias", [s]);
  out.set("encoder.conv2.weight", [s, s, 3]);
  out.set("encoder.conv2.bias", [s]);
  out.set("encoder.positional_embedding", [dims.n_audio_ctx, s]);
  for (let i = 0; i < dims.n_audio_layer; i++) {
    const p = `encoder.blocks.${i}`;
    linear(out, `${p}.attn.query`, s, s);
    linear(out, `${p}.attn.key`, s, s, false);
    linear(out, `${p}.attn.value`, s, s);
    linear(out, `${p}.attn.out`, s, s);
    layerNorm(out, `${p}.attn_ln`, s);
    linear(out, `${p}.mlp.0`, s, 4 * s);
    linear(out, `${p}.mlp.2`, 4 * s, s);
    layerNorm(out, `${p}.mlp_ln`, s);
  }
  layerNorm(out, "encoder.ln_post", s);
  return out;
}

/**
 * The state-dict keys of WhisperSpeech's RQBottleneckTransformer (vq_stoks.py) for a config and
 * Tunables: the bottleneck MLP, the optional downsampling conv, vector-quantize-pytorch's
 * ResidualVQ with one VectorQuantize (projections only when `codebook_dim` differs from the width;
 * CosineSimCodebook buffers), and the decoder-side parts encoding never uses (positional
 * embedding, `out_blocks`, `ln_post`, validation counters), which `load_state_dict` still requires.
 */
export function bnWhisperShapes(config: BnWhisperConfig, tunables: BnWhisperTunables): ParameterShapes {
  const width = config.n_head * config.head_width;
  const hidden = width * config.ffn_mult;
  const codes = codebookSize(config, tunables);
  const out = new Map<string, number[]>();
  out.set("val_true", [1]);
  out.set("val_total", [1]);
  linear(out, "mlp.0", width, hidden);
  linear(out, "mlp.2", hidden, width);
  layerNorm(out, "mlp_ln", width);
  if (tunables.downsample_conv) {
    out.set("downsample_conv.weight", [width, width, 3]);
    out.set("downsample_conv.bias", [width]);
  }
  const vq = "rq.layers.0";
  if (config.codebook_dim !== width) {
    linear(out, `${vq}.project_in`, width, config.codebook_dim);
    linear(out, `${vq}.project_out`, config.codebook_dim, width);
  }
  out.set(`${vq}._codebook.initted`, [1]);
  out.set(`${vq}._codebook.cluster_size`, [1, codes]);
  out.set(`${vq}._codebook.embed_avg`, [1, codes, config.codebook_dim]);
  out.set(`${vq}._codebook.embed`, [1, codes, config.codebook_dim]);
  out.set("positional_embedding.weight", [1500, width]);
  for (let i = 0; i < config.depth; i++) {
    const p = `out_blocks.${i}`;
    linear(out, `${p}.attn.query`, width, width);
    linear(out, `${p}.attn.key`, width, width, false);
    linear(out, `${p}.attn.value`, width, width);
    linear(out, `${p}.attn.out`, width, width);
    if (tunables.rope) out.set(`${p}.attn.rotary.inv_freq`, [Math.ceil(config.head_width / 2)]);
    layerNorm(out, `${p}.attn_ln`, width);
    linear(out, `${p}.mlp.0`, width, hidden);
    linear(out, `${p}.mlp.2`, hidden, width);
    layerNorm(out, `${p}.mlp_ln`, width);
  }
  layerNorm(out, "ln_post", width);
  return out;
}
