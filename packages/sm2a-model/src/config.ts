import { requirePositiveIntegers } from "@autosing/nn";

import { SM2AConfigError } from "./errors.js";

/** The upstream `config` dict of an SM2ATransformer checkpoint (fastcore `store_attr` names). */
export interface SM2AConfig {
  depth: number;
  ctx_n: number;
  stoks_len: number;
  stoks_codes: number;
  stoks_width: number | null;
  spk_width: number | null;
  atoks_width: number | null;
  n_head: number;
  head_width: number;
  ffn_mult: number;
  quantizers: number;
  codes: number;
  mtoks_len: number;
  pattern: string | null;
  enc_subsample: number;
}

/** Port of whisperspeech s2a_delar_mup_wds_mlang.py: Tunables + autosing/sm2a.py: Tunables (defaults unchanged). */
export interface SM2ATunables {
  init_std: number;
  embeddings_std: number;
  embeddings_lr_scale: number;
  output_mult: number;
  query_mult: number;
  encoder_depth_ratio: number;
  linear_heads: boolean;
  rope: boolean;
  q0_loss_mult: number;
  causal_encoder: boolean;
  lr0: number;
  clip_gradient_norm: number;
  weight_decay: number;
  warmup_steps: number;
  random: boolean;
  random_finetune: boolean;
  force_hidden_to_emb: boolean;
  music_encoder_ratio: number;
  causal_music_encoder: boolean;
}

export const DEFAULT_SM2A_TUNABLES: Readonly<SM2ATunables> = Object.freeze({
  init_std: 9,
  embeddings_std: 0.2,
  embeddings_lr_scale: 10,
  output_mult: 5.6,
  query_mult: 0.3,
  encoder_depth_ratio: 0.25,
  linear_heads: false,
  rope: true,
  q0_loss_mult: 1,
  causal_encoder: false,
  lr0: 3e-3,
  clip_gradient_norm: 2,
  weight_decay: 1e-3,
  warmup_steps: 2000,
  random: false,
  random_finetune: false,
  force_hidden_to_emb: false,
  music_encoder_ratio: 1,
  causal_music_encoder: false,
});

export type SM2ASize = "tiny" | "base" | "small" | "baseline" | "medium" | "large";

/** Port of autosing/sm2a.py: _make_model. */
export const SM2A_SIZES: Readonly<Record<SM2ASize, { depth: number; n_head: number }>> = Object.freeze({
  tiny: { depth: 4, n_head: 6 },
  base: { depth: 6, n_head: 8 },
  small: { depth: 12, n_head: 12 },
  baseline: { depth: 20, n_head: 16 },
  medium: { depth: 24, n_head: 16 },
  large: { depth: 33, n_head: 20 },
});

/**
 * AutoSing's sm2a data dimensions: 750 semantic tokens (2049 codes incl. pad, 64-d frozen
 * codebook), 2528 `bricks_unrolled` acoustic steps and 632 `bricks` music steps over 8 streams
 * of 4096 SNAC codes, 256-d artist embeddings.
 */
export const AUTOSING_SM2A_DATA = Object.freeze({
  ctx_n: 2528,
  stoks_len: 750,
  stoks_codes: 2049,
  stoks_width: 64,
  spk_width: 256,
  atoks_width: null,
  quantizers: 8,
  codes: 4096,
  mtoks_len: 632,
  pattern: "bricks_unrolled",
  enc_subsample: 1,
});

export function sm2aConfigForSize(size: SM2ASize, data: Partial<Omit<SM2AConfig, "depth" | "n_head">> = {}): SM2AConfig {
  const preset = SM2A_SIZES[size];
  if (!preset) throw new SM2AConfigError("size", size, `expected one of ${Object.keys(SM2A_SIZES).join(", ")}`);
  return { head_width: 64, ffn_mult: 4, ...AUTOSING_SM2A_DATA, ...data, depth: preset.depth, n_head: preset.n_head };
}

export interface SM2ADimensions {
  width: number;
  baseWidth: number;
  headDim: number;
  encoderDepth: number;
  musicEncoderDepth: number;
  decoderDepth: number;
  stoksWidth: number;
  spkWidth: number;
  atoksWidth: number;
  qkScale: number;
  logitScale: number;
  /** Logits per quantizer: codes + pad + mask. */
  vocab: number;
}

export function sm2aDimensions(config: SM2AConfig, tunables: SM2ATunables): SM2ADimensions {
  requirePositiveIntegers(config, ["depth", "ctx_n", "stoks_len", "stoks_codes", "n_head", "head_width", "ffn_mult", "quantizers", "codes", "mtoks_len", "enc_subsample"], SM2AConfigError);
  if (!tunables.rope) {
    throw new SM2AConfigError(
      "tunables.rope",
      tunables.rope,
      "an SM2ATransformer cannot run without rope: rope = false makes SADelARTransformer register sinusoid `positional_embeddings`, and " +
        "autosing/sm2a.py run_music_encoder raises NotImplementedError whenever they are set, so no such checkpoint can be trained or used upstream " +
        "(a tunables dict without `rope` is an old WhisperSpeech s2a one: Tunables.upgrade defaults it to false). Set tunables.rope = true",
    );
  }
  if (tunables.causal_encoder) throw new SM2AConfigError("tunables.causal_encoder", true, "upstream SM2ATransformer asserts it is off");
  if (config.stoks_len === 1500) throw new SM2AConfigError("stoks_len", 1500, "the 50 tok/s semantic layout is not supported");
  const width = config.n_head * config.head_width;
  const baseWidth = 3 * config.head_width;
  const encoderDepth = Math.trunc(config.depth * 2 * tunables.encoder_depth_ratio);
  return {
    width,
    baseWidth,
    headDim: config.head_width,
    encoderDepth,
    musicEncoderDepth: Math.trunc(encoderDepth * tunables.music_encoder_ratio),
    decoderDepth: config.depth * 2 - encoderDepth,
    stoksWidth: config.stoks_width ?? width,
    spkWidth: config.spk_width ?? width,
    atoksWidth: config.atoks_width ?? width,
    qkScale: (tunables.query_mult * 8) / Math.sqrt(config.head_width),
    logitScale: tunables.output_mult / (width / baseWidth),
    vocab: config.codes + 2,
  };
}
