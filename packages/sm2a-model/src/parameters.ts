import { ParameterCollector, rotaryInverseFrequencies } from "@autosing/nn";
import type { FlexEmbeddingsShape, ParameterSpec } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { sm2aDimensions } from "./config.js";

export interface SM2AParameterOptions {
  /** Upstream loads the BN-Whisper codebook into `semantic_embedding` and freezes it (`lr_scale = 0`). */
  frozenSemanticEmbeddings?: boolean;
}

export function sm2aAcousticShape(config: SM2AConfig, tunables: SM2ATunables): FlexEmbeddingsShape {
  const dims = sm2aDimensions(config, tunables);
  return { codes: config.codes, width: dims.width, specialCodes: 2, frozenWidth: dims.atoksWidth, unembed: true };
}

/**
 * Every state-dict entry of an SM2ATransformer under upstream keys. Port of autosing/sm2a.py:
 * SM2ATransformer.__init__ over whisperspeech SADelARTransformer.__init__ / init_transformer
 * (which, unlike t2s, treats EmbeddingProjector as a plain nn.Linear).
 */
export function sm2aParameterSpecs(config: SM2AConfig, tunables: SM2ATunables, options: SM2AParameterOptions = {}): ParameterSpec[] {
  const dims = sm2aDimensions(config, tunables);
  const { width, headDim } = dims;
  const c = new ParameterCollector({ baseWidth: dims.baseWidth, initStd: tunables.init_std, embeddingsStd: tunables.embeddings_std, embeddingsLrScale: tunables.embeddings_lr_scale });
  const attention = (prefix: string): void => {
    c.linear(`${prefix}.query`, width, width, { kind: "query" });
    c.linear(`${prefix}.key`, width, width, { bias: false });
    c.linear(`${prefix}.value`, width, width);
    c.linear(`${prefix}.out`, width, width);
    c.buffer(`${prefix}.rotary.inv_freq`, rotaryInverseFrequencies(headDim), [headDim / 2]);
  };
  const block = (prefix: string, twoCross: boolean): void => {
    attention(`${prefix}.attn`);
    c.layerNorm(`${prefix}.attn_ln`, width);
    if (twoCross) {
      attention(`${prefix}.cross_attn`);
      c.layerNorm(`${prefix}.cross_attn_ln`, width);
    }
    c.linear(`${prefix}.mlp.0`, width, width * config.ffn_mult);
    c.linear(`${prefix}.mlp.2`, width * config.ffn_mult, width);
    c.layerNorm(`${prefix}.mlp_ln`, width);
    if (twoCross) attention(`${prefix}.cross_attn_two`);
  };

  c.embedding("semantic_embedding.weight", config.stoks_codes, dims.stoksWidth);
  if (dims.stoksWidth !== width) {
    c.linear("emb_to_hidden", dims.stoksWidth, width);
    if (tunables.causal_encoder || tunables.force_hidden_to_emb) c.linear("hidden_to_emb", width, dims.stoksWidth);
  }
  if (dims.spkWidth !== width) c.linear("spk_to_hidden", dims.spkWidth, width);
  for (let i = 0; i < dims.encoderDepth; i++) block(`encoder.${i}`, false);
  c.layerNorm("ln_post", width);
  // DelSumEmbedding: one FlexEmbeddings per quantizer, all sharing quantizer 0's `special` module.
  const delSumEmbedding = (prefix: string): void => {
    for (let q = 0; q < config.quantizers; q++) {
      c.embedding(`${prefix}.embeddings.${q}.main.weight`, config.codes, dims.atoksWidth);
      if (dims.atoksWidth !== width) {
        c.linear(`${prefix}.embeddings.${q}.emb_to_hidden`, dims.atoksWidth, width);
        c.linear(`${prefix}.embeddings.${q}.hidden_to_emb`, width, dims.atoksWidth);
      }
      if (q === 0) c.embedding(`${prefix}.embeddings.0.special.weight`, 2, width);
      else c.alias(`${prefix}.embeddings.0.special.weight`, `${prefix}.embeddings.${q}.special.weight`);
    }
  };
  // DelSumHead: Linear(W, W·Q) + GELU, unembedded by a DelSumEmbedding's tables.
  const delSumHead = (prefix: string): void => c.linear(`${prefix}.splitter.0`, width, width * config.quantizers);

  delSumEmbedding("embds");
  for (let i = 0; i < dims.decoderDepth; i++) block(`decoder.layers.${i}`, true);
  c.layerNorm("decoder.ln_post", width);
  delSumHead("head");
  c.buffer("val_true", new Float32Array(config.quantizers), [config.quantizers]);
  c.buffer("val_total", new Float32Array(config.quantizers), [config.quantizers]);
  for (let i = 0; i < dims.musicEncoderDepth; i++) block(`music_encoder.${i}`, false);
  c.layerNorm("ln_post_music", width);
  if (tunables.causal_music_encoder) {
    // Port of SM2ATransformer.__init__: the causal music encoder embeds music with its own
    // tables and predicts the next music tokens through its own head.
    delSumEmbedding("music_embds");
    delSumHead("music_head");
  }
  if (options.frozenSemanticEmbeddings) c.freeze("semantic_embedding.weight");
  return c.specs;
}
