import { ParameterCollector, rotaryInverseFrequencies } from "@autosing/nn";
import type { FlexEmbeddingsShape, ParameterSpec } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions } from "./config.js";

/** DelSumEmbedding's per-quantizer FlexEmbeddings: full-width tables, 2 special codes, unembed. */
export function artistAcousticShape(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables): FlexEmbeddingsShape {
  const { width } = artistEmbedderDimensions(config, tunables);
  return { codes: config.codes, width, specialCodes: 2, frozenWidth: width, unembed: true };
}

/** Module prefixes upstream freezes (`lr_scale = 0`) when `finetune` is set: all but `class_head`. */
const FINETUNE_FROZEN_PREFIXES = ["embds.", "encoder.", "emb_proj.", "ar_head."];

/**
 * Every state-dict entry of an Embedder under upstream keys, with the μP init and optimiser
 * metadata. Port of autosing/artist_embeddings.py: Embedder.__init__ / init_transformer (no
 * EmbeddingProjector branch: none exists since the acoustic tables are full width).
 */
export function artistEmbedderParameterSpecs(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables): ParameterSpec[] {
  const dims = artistEmbedderDimensions(config, tunables);
  const { width, headDim } = dims;
  const c = new ParameterCollector({ baseWidth: dims.baseWidth, initStd: tunables.init_std, embeddingsStd: tunables.embeddings_std, embeddingsLrScale: tunables.embeddings_lr_scale });
  for (let i = 0; i < config.depth; i++) {
    const prefix = `encoder.${i}`;
    c.linear(`${prefix}.attn.query`, width, width, { kind: "query" });
    c.linear(`${prefix}.attn.key`, width, width, { bias: false });
    c.linear(`${prefix}.attn.value`, width, width);
    c.linear(`${prefix}.attn.out`, width, width);
    c.buffer(`${prefix}.attn.rotary.inv_freq`, rotaryInverseFrequencies(headDim), [headDim / 2]);
    c.layerNorm(`${prefix}.attn_ln`, width);
    c.linear(`${prefix}.mlp.0`, width, width * config.ffn_mult);
    c.linear(`${prefix}.mlp.2`, width * config.ffn_mult, width);
    c.layerNorm(`${prefix}.mlp_ln`, width);
  }
  for (let q = 0; q < config.quantizers; q++) {
    c.embedding(`embds.embeddings.${q}.main.weight`, config.codes, width);
    // Upstream passes quantizer 0's `special` module to the others: one tensor, several keys.
    if (q === 0) c.embedding("embds.embeddings.0.special.weight", 2, width);
    else c.alias("embds.embeddings.0.special.weight", `embds.embeddings.${q}.special.weight`);
  }
  c.linear("emb_proj", width, config.emb_width);
  c.linear("class_head", config.emb_width, config.num_classes);
  c.linear("ar_head.splitter.0", width, width * config.quantizers);
  if (config.finetune) {
    for (const spec of c.specs) if (!spec.buffer && FINETUNE_FROZEN_PREFIXES.some((p) => spec.name.startsWith(p))) c.freeze(spec.name);
  }
  return c.specs;
}
