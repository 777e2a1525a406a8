import { CROSS_MIX_ALPHA, KV_CACHE_NAMES, OnnxEmitter } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { t2sDimensions } from "./config.js";
import { mergedEmbeddingTables } from "./merged-embeddings.js";

/** Graph input/output names shared by the exporter and the generator. */
export const T2S_ONNX_NAMES = {
  encoder: { ttoks: "ttoks", language: "language", cpsBin: "cps_bin", mtoks: "mtoks", cpsEmbedding: "cps_embedding" },
  decoder: { inputIds: "input_ids", positions: "positions", cpsEmbedding: "cps_embedding", logits: "logits" },
  crossTextKey: (i: number): string => `cross.${i}.text.key`,
  crossTextValue: (i: number): string => `cross.${i}.text.value`,
  crossMusicKey: (i: number): string => `cross.${i}.music.key`,
  crossMusicValue: (i: number): string => `cross.${i}.music.value`,
  ...KV_CACHE_NAMES,
} as const;

export interface T2SOnnxModels {
  /** Text + music encoders; outputs the cps embedding and every decoder layer's cross keys/values. */
  encoder: Uint8Array;
  /** One decoder step (any number of new tokens) with the self-attention KV cache in and out. */
  decoder: Uint8Array;
}

/**
 * Exports a TM2STransformer's weights to two ONNX graphs for onnxruntime (dynamic batch and
 * lengths). The encoder graph computes the cross-attention keys and values once, which is the
 * main saving over upstream's generation loop; the decoder graph takes
 * `past_key_values.{i}.key|value` [batch, heads, past, head_dim] and returns `present.{i}.*`.
 */
export function exportT2SOnnx(config: T2SConfig, tunables: T2STunables, weights: StateDict, options: T2SExportOptions = {}): T2SOnnxModels {
  return { encoder: exportEncoder(config, tunables, weights), decoder: exportDecoder(config, tunables, weights, options.decoderWeights ?? "float32", options.fusedAttention ?? true) };
}

export interface T2SExportOptions {
  /** "int8": the decoder's linear weights per-column int8 (a quarter of the bytes per step, ~1e-2 relative error). Default float32. */
  decoderWeights?: "float32" | "int8";
  /**
   * Decoder attention through onnxruntime's com.microsoft RotaryEmbedding + MultiHeadAttention
   * (default true); false emits the decomposed form (Split/Neg/Concat rope, MatMul/Softmax
   * attention, Concat cache), kept for A/B benchmarks.
   */
  fusedAttention?: boolean;
}

function exportEncoder(config: T2SConfig, tunables: T2STunables, weights: StateDict): Uint8Array {
  const dims = t2sDimensions(config, tunables);
  const { width, headDim } = dims;
  const nHead = config.n_head;
  const names = T2S_ONNX_NAMES;
  const e = new OnnxEmitter("t2s_encoder", weights);
  const g = e.graph;
  g.addInput(names.encoder.ttoks, "int64", ["batch", "text"]);
  // One language per token, or [batch, 1]: one for every token (broadcast when added).
  g.addInput(names.encoder.language, "int64", ["batch", "language_length"]);
  g.addInput(names.encoder.cpsBin, "int64", ["batch"]);
  g.addInput(names.encoder.mtoks, "int64", ["batch", config.quantizers, "music"]);
  const tables = mergedEmbeddingTables(config, tunables, weights);

  // Text encoder (causal, no rope): bytes + language + sinusoid positions.
  const textPositions = e.range(e.dimension(names.encoder.ttoks, 1));
  const textEmb = e.op("Gather", [e.constant("text_emb", tables.textIn, [config.ttoks_codes, width]), names.encoder.ttoks], { axis: 0 });
  const lang = e.op("Gather", [e.constant("lang", e.weight("lang_embeddings.weight").data, [dims.languages, width]), names.encoder.language], { axis: 0 });
  const pos = e.op("Gather", [e.constant("text_pos", e.weight("encoder.positional_embedding").data, [config.ttoks_len, width]), textPositions], { axis: 0 });
  let x = e.op("Add", [e.op("Add", [textEmb, lang]), pos]);
  const textMask = tunables.causal_encoder ? e.causalMask(textPositions, textPositions) : undefined;
  const attention = { nHead, headDim, qkScale: dims.qkScale };
  for (let i = 0; i < dims.encoderDepth; i++) x = e.encoderLayer(x, `encoder.layers.${i}`, { ...attention, ...(textMask ? { mask: textMask } : {}) });
  const xenc = e.layerNorm(x, "encoder.ln_post");

  // Music encoder (rope, bidirectional): sum of per-stream embeddings.
  const musicPositions = e.range(e.dimension(names.encoder.mtoks, 2));
  const musicRotary = e.rotaryAt(musicPositions, headDim);
  let y: string | undefined;
  for (let q = 0; q < config.quantizers; q++) {
    const ids = e.op("Gather", [names.encoder.mtoks, e.int64([q], [])], { axis: 1 });
    const table = tables.musicIn[q] ?? new Float32Array();
    const emb = e.op("Gather", [e.constant(`music_emb_${q}`, table, [config.codes + 2, width]), ids], { axis: 0 });
    y = y === undefined ? emb : e.op("Add", [y, emb]);
  }
  let m = y ?? "";
  for (let i = 0; i < dims.encoderDepth; i++) m = e.encoderLayer(m, `music_encoder.${i}`, { ...attention, rotary: musicRotary });
  const yenc = e.layerNorm(m, "ln_post_music");

  const cpsTable = tunables.cps_input ? e.weight("cps_embeddings.weight").data : new Float32Array(tunables.cps_bins * width);
  const cps = e.op("Unsqueeze", [e.op("Gather", [e.constant("cps", cpsTable, [tunables.cps_bins, width]), names.encoder.cpsBin], { axis: 0 }), e.int64([1])]);
  g.addNode("Identity", [cps], [names.encoder.cpsEmbedding]);
  g.addOutput(names.encoder.cpsEmbedding, "float32", ["batch", 1, width]);

  // Cross keys/values for every decoder layer (t2s uses key_subsampling 1 for both).
  const textRotary = e.rotaryAt(textPositions, headDim);
  e.twoCrossKeyValues({
    ...attention,
    depth: dims.decoderDepth,
    crossA: { memory: xenc, rotary: textRotary, key: names.crossTextKey, value: names.crossTextValue, length: "text" },
    crossB: { memory: yenc, rotary: musicRotary, key: names.crossMusicKey, value: names.crossMusicValue, length: "music" },
  });
  return g.toBytes();
}

function exportDecoder(config: T2SConfig, tunables: T2STunables, weights: StateDict, weightType: "float32" | "int8", fusedAttention: boolean): Uint8Array {
  const dims = t2sDimensions(config, tunables);
  const { width, headDim } = dims;
  const nHead = config.n_head;
  const names = T2S_ONNX_NAMES;
  const e = new OnnxEmitter("t2s_decoder", weights, weightType, { contribOps: true, fusedAttention });
  const g = e.graph;
  const vocab = config.stoks_codes + 1;
  g.addInput(names.decoder.inputIds, "int64", ["batch", "seq"]);
  g.addInput(names.decoder.positions, "int64", ["seq"]);
  g.addInput(names.decoder.cpsEmbedding, "float32", ["batch", 1, width]);
  const tables = mergedEmbeddingTables(config, tunables, weights);
  const positions = names.decoder.positions;
  const emb = e.op("Gather", [e.constant("stoks_emb", tables.semanticIn, [vocab, width]), names.decoder.inputIds], { axis: 0 });
  const pos = e.op("Gather", [e.constant("stoks_pos", e.weight("embeddings.positional_embedding").data, [config.stoks_len, width]), positions], { axis: 0 });
  let x = e.op("Add", [e.op("Add", [emb, pos]), names.decoder.cpsEmbedding]);
  // Key positions are 0…past+seq−1: the cache holds every earlier step in order.
  const totalLength = e.op("Add", [e.dimension(names.pastKey(0), 2), e.dimension(names.decoder.inputIds, 1)]);
  const mask = e.causalMask(positions, e.range(totalLength));
  const rotary = e.rotaryAt(positions, headDim);
  x = e.twoCrossDecoderStack(x, {
    depth: dims.decoderDepth,
    nHead,
    headDim,
    qkScale: dims.qkScale,
    rotary,
    mask,
    alpha: CROSS_MIX_ALPHA,
    cache: names,
    crossA: { key: names.crossTextKey, value: names.crossTextValue, length: "text" },
    crossB: { key: names.crossMusicKey, value: names.crossMusicValue, length: "music" },
  });
  x = e.layerNorm(x, "decoder.ln_post");
  e.op("Add", [e.op("MatMul", [x, e.constant("unembed", tables.semanticOut, [width, vocab])]), e.constant("unembed_bias", tables.semanticOutBias, [vocab])], {}, names.decoder.logits);
  g.addOutput(names.decoder.logits, "float32", ["batch", "seq", vocab]);
  return g.toBytes();
}
