import { requirePositiveIntegers } from "@autosing/nn";

import { T2SConfigError } from "./errors.js";
import { LANGUAGES } from "./languages.js";

/**
 * The upstream `config` dict of a TM2STransformer checkpoint (fastcore `store_attr` names,
 * snake_case so a converted checkpoint's JSON is used unchanged).
 */
export interface T2SConfig {
  depth: number;
  n_head: number;
  head_width: number;
  ffn_mult: number;
  ttoks_len: number;
  ttoks_codes: number;
  ttoks_width: number | null;
  stoks_len: number;
  stoks_codes: number;
  stoks_width: number | null;
  mtoks_len: number;
  quantizers: number;
  codes: number;
}

/** Port of whisperspeech/t2s_up_wds_mlang_enclm.py: Tunables (defaults unchanged). */
export interface T2STunables {
  init_std: number;
  embeddings_std: number;
  embeddings_lr_scale: number;
  embedding_projector_lr_scale: number;
  output_mult: number;
  query_mult: number;
  encoder_depth_ratio: number;
  causal_encoder: boolean;
  eot_dropout_p: number;
  cps_input: boolean;
  cps_bins: number;
  lr0: number;
  clip_gradient_norm: number;
  weight_decay: number;
  warmup_steps: number;
  random: boolean;
}

export const DEFAULT_T2S_TUNABLES: Readonly<T2STunables> = Object.freeze({
  init_std: 1,
  embeddings_std: 0.01,
  embeddings_lr_scale: 5,
  embedding_projector_lr_scale: 2.5,
  output_mult: 0.35,
  query_mult: 1,
  encoder_depth_ratio: 0.25,
  causal_encoder: true,
  eot_dropout_p: 0.5,
  cps_input: true,
  cps_bins: 32,
  lr0: 1.5e-3,
  clip_gradient_norm: 0.2,
  weight_decay: 1e-1,
  warmup_steps: 4000,
  random: false,
});

export type T2SSize = "micro" | "tiny" | "base" | "small" | "small+" | "medium";

/** Port of autosing/t2s.py: _make_model — depth, heads and ffn_mult per size. */
export const T2S_SIZES: Readonly<Record<T2SSize, { depth: number; n_head: number; ffn_mult?: number }>> = Object.freeze({
  micro: { depth: 2, n_head: 3, ffn_mult: 1 },
  tiny: { depth: 4, n_head: 6 },
  base: { depth: 6, n_head: 8 },
  small: { depth: 12, n_head: 12 },
  "small+": { depth: 12, n_head: 16 },
  medium: { depth: 24, n_head: 16 },
});

/**
 * The dataset-derived dimensions of AutoSing's t2s training: 750 semantic tokens (2048 BN-Whisper
 * codes + the pad/start code, 64-d frozen codebook), 900 text bytes (450 for "short" datasets),
 * 632 `bricks` music steps over 8 streams of 4096 SNAC codes.
 */
export const AUTOSING_T2S_DATA = Object.freeze({
  ttoks_len: 900,
  ttoks_codes: 256,
  ttoks_width: null,
  stoks_len: 750,
  stoks_codes: 2049,
  stoks_width: 64,
  mtoks_len: 632,
  quantizers: 8,
  codes: 4096,
});

/** A config for an upstream size, with the data dimensions (overridable). */
export function t2sConfigForSize(size: T2SSize, data: Partial<Omit<T2SConfig, "depth" | "n_head">> = {}): T2SConfig {
  const preset = T2S_SIZES[size];
  if (!preset) throw new T2SConfigError("size", size, `expected one of ${Object.keys(T2S_SIZES).join(", ")}`);
  return { head_width: 64, ffn_mult: preset.ffn_mult ?? 4, ...AUTOSING_T2S_DATA, ...data, depth: preset.depth, n_head: preset.n_head };
}

/** Widths and depths derived as upstream does in TSARTransformer/TM2STransformer.__init__. */
export interface T2SDimensions {
  width: number;
  baseWidth: number;
  headDim: number;
  encoderDepth: number;
  decoderDepth: number;
  ttoksWidth: number;
  stoksWidth: number;
  qkScale: number;
  languages: number;
  /** Logit multiplier output_mult / (width / base_width). */
  logitScale: number;
}

export function t2sDimensions(config: T2SConfig, tunables: T2STunables): T2SDimensions {
  requirePositiveIntegers(config, ["depth", "n_head", "head_width", "ffn_mult", "ttoks_len", "ttoks_codes", "stoks_len", "stoks_codes", "mtoks_len", "quantizers", "codes"], T2SConfigError);
  if (config.head_width % 2 !== 0) throw new T2SConfigError("head_width", config.head_width, "must be even for rotary embeddings");
  const width = config.n_head * config.head_width;
  const baseWidth = 3 * config.head_width;
  const encoderDepth = Math.trunc(config.depth * 2 * tunables.encoder_depth_ratio);
  return {
    width,
    baseWidth,
    headDim: config.head_width,
    encoderDepth,
    decoderDepth: config.depth * 2 - encoderDepth,
    ttoksWidth: config.ttoks_width ?? width,
    stoksWidth: config.stoks_width ?? width,
    qkScale: (tunables.query_mult * 8) / Math.sqrt(config.head_width),
    languages: LANGUAGES.length,
    logitScale: tunables.output_mult / (width / baseWidth),
  };
}

/** Port of whisperspeech/t2s_up_wds_mlang_enclm.py: TSARTransformer._embed_cps — trunc(cps / 20 · bins), clamped. */
export function cpsBin(cps: number, tunables: T2STunables): number {
  const bin = Math.trunc((Math.fround(cps) / 20) * tunables.cps_bins);
  return Math.min(bin, tunables.cps_bins - 1);
}
