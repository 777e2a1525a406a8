import { ParameterCollector, rotaryInverseFrequencies, sinusoids } from "@autosing/nn";
import type { FlexEmbeddingsShape, ParameterSpec } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { t2sDimensions } from "./config.js";

export interface T2SParameterOptions {
  /**
   * Upstream always loads the BN-Whisper codebook into `embeddings.embedding.main.weight` and
   * freezes it (`lr_scale = 0`); set this when the checkpoint carries that codebook.
   */
  frozenSemanticEmbeddings?: boolean;
}

/** FlexEmbeddings shapes of the three embedding tables. */
export function t2sEmbeddingShapes(config: T2SConfig, tunables: T2STunables): { text: FlexEmbeddingsShape; semantic: FlexEmbeddingsShape; music: FlexEmbeddingsShape } {
  const dims = t2sDimensions(config, tunables);
  return {
    text: { codes: config.ttoks_codes, width: dims.width, specialCodes: 0, frozenWidth: dims.ttoksWidth, unembed: true },
    semantic: { codes: config.stoks_codes, width: dims.width, specialCodes: 1, frozenWidth: dims.stoksWidth, unembed: true },
    music: { codes: config.codes, width: dims.width, specialCodes: 2, frozenWidth: dims.width, unembed: true },
  };
}

/**
 * Every state-dict entry of a TM2STransformer, under upstream keys and shapes, with μP init and
 * optimiser metadata. Port of autosing/t2s.py: TM2STransformer.__init__ (over
 * whisperspeech TSARTransformer.__init__ and init_transformer).
 */
export function t2sParameterSpecs(config: T2SConfig, tunables: T2STunables, options: T2SParameterOptions = {}): ParameterSpec[] {
  const dims = t2sDimensions(config, tunables);
  const { width, headDim } = dims;
  const collector = new ParameterCollector({
    baseWidth: dims.baseWidth,
    initStd: tunables.init_std,
    embeddingsStd: tunables.embeddings_std,
    embeddingsLrScale: tunables.embeddings_lr_scale,
    embeddingProjector: { lrScale: tunables.embedding_projector_lr_scale, std: tunables.init_std },
  });
  const flex = (prefix: string, codes: number, frozenWidth: number, specialCodes: number): void => {
    collector.embedding(`${prefix}.main.weight`, codes, frozenWidth);
    if (frozenWidth !== width) {
      collector.linear(`${prefix}.emb_to_hidden`, frozenWidth, width, { kind: "projector" });
      collector.linear(`${prefix}.hidden_to_emb`, width, frozenWidth, { kind: "projector" });
    }
    if (specialCodes > 0) collector.embedding(`${prefix}.special.weight`, specialCodes, width);
  };
  const attention = (prefix: string, rope: boolean): void => {
    collector.linear(`${prefix}.query`, width, width, { kind: "query" });
    collector.linear(`${prefix}.key`, width, width, { bias: false });
    collector.linear(`${prefix}.value`, width, width);
    collector.linear(`${prefix}.out`, width, width);
    if (rope) collector.buffer(`${prefix}.rotary.inv_freq`, rotaryInverseFrequencies(headDim), [headDim / 2]);
  };
  const block = (prefix: string, rope: boolean, cross: 0 | 2): void => {
    attention(`${prefix}.attn`, rope);
    collector.layerNorm(`${prefix}.attn_ln`, width);
    if (cross === 2) {
      attention(`${prefix}.cross_attn`, rope);
      collector.layerNorm(`${prefix}.cross_attn_ln`, width);
    }
    collector.linear(`${prefix}.mlp.0`, width, width * config.ffn_mult);
    collector.linear(`${prefix}.mlp.2`, width * config.ffn_mult, width);
    collector.layerNorm(`${prefix}.mlp_ln`, width);
    if (cross === 2) attention(`${prefix}.cross_attn_two`, rope);
  };

  collector.embedding("lang_embeddings.weight", dims.languages, width);
  if (tunables.cps_input) collector.embedding("cps_embeddings.weight", tunables.cps_bins, width);
  flex("encoder.embedding", config.ttoks_codes, dims.ttoksWidth, 0);
  collector.buffer("encoder.positional_embedding", sinusoids(config.ttoks_len, width), [config.ttoks_len, width]);
  for (let i = 0; i < dims.encoderDepth; i++) block(`encoder.layers.${i}`, false, 0);
  collector.layerNorm("encoder.ln_post", width);
  flex("embeddings.embedding", config.stoks_codes, dims.stoksWidth, 1);
  collector.buffer("embeddings.positional_embedding", sinusoids(config.stoks_len, width), [config.stoks_len, width]);
  for (let i = 0; i < dims.decoderDepth; i++) block(`decoder.layers.${i}`, true, 2);
  collector.layerNorm("decoder.ln_post", width);
  // DelSumEmbedding: one FlexEmbeddings per quantizer, all sharing quantizer 0's `special` module.
  for (let q = 0; q < config.quantizers; q++) {
    collector.embedding(`music_embds.embeddings.${q}.main.weight`, config.codes, width);
    if (q === 0) collector.embedding("music_embds.embeddings.0.special.weight", 2, width);
    else collector.alias("music_embds.embeddings.0.special.weight", `music_embds.embeddings.${q}.special.weight`);
  }
  for (let i = 0; i < dims.encoderDepth; i++) block(`music_encoder.${i}`, true, 0);
  collector.layerNorm("ln_post_music", width);
  if (options.frozenSemanticEmbeddings) collector.freeze("embeddings.embedding.main.weight");
  return collector.specs;
}
