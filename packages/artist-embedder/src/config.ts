import { requirePositiveIntegers } from "@autosing/nn";

import { ArtistEmbedderConfigError } from "./errors.js";

/**
 * The upstream `config` dict of an Embedder checkpoint (fastcore `store_attr` names of
 * autosing/artist_embeddings.py: Embedder.__init__).
 */
export interface ArtistEmbedderConfig {
  depth: number;
  /** Dense acoustic frames per window (`[4, ctx_n]` after unflattening); upstream asserts it. */
  ctx_n: number;
  codes: number;
  n_head: number;
  head_width: number;
  ffn_mult: number;
  quantizers: number;
  num_classes: number;
  emb_width: number;
  /** Freezes everything but `class_head` (upstream sets `lr_scale = 0` on the other modules). */
  finetune: boolean;
}

/** Port of autosing/artist_embeddings.py: Tunables (defaults unchanged). */
export interface ArtistEmbedderTunables {
  init_std: number;
  embeddings_std: number;
  embeddings_lr_scale: number;
  output_mult: number;
  query_mult: number;
  /** Stored by upstream but unused by the Embedder. */
  linear_heads: boolean;
  rope: boolean;
  class_loss_ratio: number;
  label_smoothing: number;
  lr0: number;
  clip_gradient_norm: number;
  weight_decay: number;
  warmup_steps: number;
}

export const DEFAULT_ARTIST_EMBEDDER_TUNABLES: Readonly<ArtistEmbedderTunables> = Object.freeze({
  init_std: 9,
  embeddings_std: 0.2,
  embeddings_lr_scale: 10,
  output_mult: 5.6,
  query_mult: 0.3,
  linear_heads: false,
  rope: true,
  class_loss_ratio: 0.3,
  label_smoothing: 0.1,
  lr0: 1e-3,
  clip_gradient_norm: 2,
  weight_decay: 1e-3,
  warmup_steps: 500,
});

/** Embedder.__init__ keyword defaults (`num_classes` and `ctx_n` have none upstream). */
export const DEFAULT_ARTIST_EMBEDDER_CONFIG: Readonly<Omit<ArtistEmbedderConfig, "num_classes" | "ctx_n">> = Object.freeze({
  depth: 8,
  n_head: 12,
  head_width: 64,
  ffn_mult: 4,
  emb_width: 256,
  quantizers: 4,
  codes: 4096,
  finetune: false,
});

/**
 * AutoSing's data dimensions: a 30 s reference is SNAC-encoded to 2496 dense frames (960000
 * samples truncated to a multiple of 12288) and split into 3 windows of 832 frames (≈10 s)
 * per window, as upstream sing.py / processing.py artist_embs do.
 */
export const AUTOSING_ARTIST_WINDOW_FRAMES = 832;
export const AUTOSING_ARTIST_WINDOWS = 3;

/** Embedder with upstream's defaults for `num_classes` artists over AutoSing's 10 s windows. */
export function artistEmbedderConfig(numClasses: number, overrides: Partial<Omit<ArtistEmbedderConfig, "num_classes">> = {}): ArtistEmbedderConfig {
  return { ...DEFAULT_ARTIST_EMBEDDER_CONFIG, ctx_n: AUTOSING_ARTIST_WINDOW_FRAMES, ...overrides, num_classes: numClasses };
}

export interface ArtistEmbedderDimensions {
  width: number;
  baseWidth: number;
  headDim: number;
  qkScale: number;
  /** `output_mult / (width / base_width)` applied to the AR head logits. */
  logitScale: number;
  /** AR logits per quantizer: codes + 2 special codes (DelSumEmbedding's FlexEmbeddings). */
  vocab: number;
}


/** Validates a config and derives the widths and scales Embedder.__init__ computes. */
export function artistEmbedderDimensions(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables): ArtistEmbedderDimensions {
  requirePositiveIntegers(config, ["depth", "ctx_n", "codes", "n_head", "head_width", "ffn_mult", "quantizers", "num_classes", "emb_width"], ArtistEmbedderConfigError);
  if (config.head_width % 2 !== 0) throw new ArtistEmbedderConfigError("head_width", config.head_width, "must be even (rotary embeddings rotate halves)");
  if (!tunables.rope) throw new ArtistEmbedderConfigError("tunables.rope", tunables.rope, "only the rope variant (upstream default) is supported; without it upstream attention has no positions at all");
  const width = config.n_head * config.head_width;
  const baseWidth = 3 * config.head_width;
  return {
    width,
    baseWidth,
    headDim: config.head_width,
    qkScale: (tunables.query_mult * 8) / Math.sqrt(config.head_width),
    logitScale: tunables.output_mult / (width / baseWidth),
    vocab: config.codes + 2,
  };
}
