import { CROSS_MIX_ALPHA, KV_CACHE_NAMES, OnnxEmitter } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { sm2aDimensions } from "./config.js";
import { SM2AModelError } from "./errors.js";

/** Graph input/output names shared by the exporter and the generator. */
export const SM2A_ONNX_NAMES = {
  encoder: { stoks: "stoks", speakers: "speakers", mtoks: "mtoks" },
  decoder: { inputIds: "input_ids", positions: "positions", logits: "logits" },
  crossSemanticKey: (i: number): string => `cross.${i}.semantic.key`,
  crossSemanticValue: (i: number): string => `cross.${i}.semantic.value`,
  crossMusicKey: (i: number): string => `cross.${i}.music.key`,
  crossMusicValue: (i: number): string => `cross.${i}.music.value`,
  ...KV_CACHE_NAMES,
} as const;

export interface SM2AOnnxModels {
  encoder: Uint8Array;
  decoder: Uint8Array;
}

function tensor(weights: StateDict, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new SM2AModelError(`weight ${name} is missing from the state dict being exported`);
  return t.data;
}

/** y[r] = W x[r] + b over the rows of a [rows, inner] table, PyTorch [out, in] weight. */
function projectRows(table: Float32Array, rows: number, inner: number, weight: Float32Array, bias: Float32Array, outer: number): Float32Array {
  const out = new Float32Array(rows * outer);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outer; o++) {
      let sum = bias[o] ?? 0;
      for (let i = 0; i < inner; i++) sum += (table[r * inner + i] ?? 0) * (weight[o * inner + i] ?? 0);
      out[r * outer + o] = sum;
    }
  }
  return out;
}

/** Port of FlexEmbeddings.convert_for_eval for the Q acoustic tables: inputs [codes + 2, W], outputs [W, codes + 2] with bias. */
function acousticTables(config: SM2AConfig, tunables: SM2ATunables, weights: StateDict): { input: Float32Array[]; output: Float32Array; outputBias: Float32Array } {
  const dims = sm2aDimensions(config, tunables);
  const { width, atoksWidth: inner, vocab } = dims;
  const special = tensor(weights, "embds.embeddings.0.special.weight");
  const input: Float32Array[] = [];
  const output = new Float32Array(config.quantizers * width * vocab);
  const outputBias = new Float32Array(config.quantizers * vocab);
  for (let q = 0; q < config.quantizers; q++) {
    const prefix = `embds.embeddings.${q}`;
    const main = tensor(weights, `${prefix}.main.weight`);
    const table = new Float32Array(vocab * width);
    table.set(inner === width ? main : projectRows(main, config.codes, inner, tensor(weights, `${prefix}.emb_to_hidden.weight`), tensor(weights, `${prefix}.emb_to_hidden.bias`), width));
    table.set(special, config.codes * width);
    input.push(table);
    const base = q * width * vocab;
    const h2eW = inner === width ? undefined : tensor(weights, `${prefix}.hidden_to_emb.weight`);
    const h2eB = inner === width ? undefined : tensor(weights, `${prefix}.hidden_to_emb.bias`);
    for (let c = 0; c < config.codes; c++) {
      const row = main.subarray(c * inner, (c + 1) * inner);
      if (h2eW && h2eB) {
        for (let x = 0; x < width; x++) {
          let sum = 0;
          for (let i = 0; i < inner; i++) sum += (row[i] ?? 0) * (h2eW[i * width + x] ?? 0);
          output[base + x * vocab + c] = sum * dims.logitScale;
        }
        let bias = 0;
        for (let i = 0; i < inner; i++) bias += (row[i] ?? 0) * (h2eB[i] ?? 0);
        outputBias[q * vocab + c] = bias * dims.logitScale;
      } else {
        for (let x = 0; x < width; x++) output[base + x * vocab + c] = (row[x] ?? 0) * dims.logitScale;
      }
    }
    for (let s = 0; s < 2; s++) for (let x = 0; x < width; x++) output[base + x * vocab + config.codes + s] = (special[s * width + x] ?? 0) * dims.logitScale;
  }
  return { input, output, outputBias };
}

/**
 * Exports an SM2ATransformer's weights to two ONNX graphs (dynamic batch and lengths): the
 * semantic + music encoders with every decoder layer's cross keys/values, and one decoder step
 * with `past_key_values.{i}.key|value` in and `present.{i}.*` out.
 */
export function exportSM2AOnnx(config: SM2AConfig, tunables: SM2ATunables, weights: StateDict, options: SM2AExportOptions = {}): SM2AOnnxModels {
  const tables = acousticTables(config, tunables, weights);
  // causal_music_encoder: the music encoder reads its own `music_embds` tables.
  const musicTables = tunables.causal_music_encoder ? musicEmbeddingTables(config, tunables, weights) : tables.input;
  return { encoder: exportEncoder(config, tunables, weights, musicTables), decoder: exportDecoder(config, tunables, weights, tables, options.decoderWeights ?? "float32", options.fusedAttention ?? true) };
}

export interface SM2AExportOptions {
  /** "int8": the decoder's linear weights per-column int8 (a quarter of the bytes per step, ~1e-2 relative error). Default float32. */
  decoderWeights?: "float32" | "int8";
  /**
   * Decoder attention through onnxruntime's com.microsoft RotaryEmbedding + MultiHeadAttention
   * (default true); false emits the decomposed form (Split/Neg/Concat rope, MatMul/Softmax
   * attention, Concat cache), kept for A/B benchmarks.
   */
  fusedAttention?: boolean;
}

function embedStreams(e: OnnxEmitter, ids: string, tables: Float32Array[], width: number): string {
  let sum: string | undefined;
  tables.forEach((table, q) => {
    const stream = e.op("Gather", [ids, e.int64([q], [])], { axis: 1 });
    const emb = e.op("Gather", [e.constant(`acoustic_emb_${q}`, table, [table.length / width, width]), stream], { axis: 0 });
    sum = sum === undefined ? emb : e.op("Add", [sum, emb]);
  });
  return sum ?? "";
}

/** The `music_embds` input tables of the causal music encoder, [codes + 2, W] per quantizer (main rows projected, then the shared specials). */
function musicEmbeddingTables(config: SM2AConfig, tunables: SM2ATunables, weights: StateDict): Float32Array[] {
  const { width, atoksWidth: inner, vocab } = sm2aDimensions(config, tunables);
  const special = tensor(weights, "music_embds.embeddings.0.special.weight");
  return Array.from({ length: config.quantizers }, (_, q) => {
    const prefix = `music_embds.embeddings.${q}`;
    const main = tensor(weights, `${prefix}.main.weight`);
    const table = new Float32Array(vocab * width);
    table.set(inner === width ? main : projectRows(main, config.codes, inner, tensor(weights, `${prefix}.emb_to_hidden.weight`), tensor(weights, `${prefix}.emb_to_hidden.bias`), width));
    table.set(special, config.codes * width);
    return table;
  });
}

function exportEncoder(config: SM2AConfig, tunables: SM2ATunables, weights: StateDict, musicIn: Float32Array[]): Uint8Array {
  const dims = sm2aDimensions(config, tunables);
  const { width, headDim } = dims;
  const nHead = config.n_head;
  const names = SM2A_ONNX_NAMES;
  const e = new OnnxEmitter("sm2a_encoder", weights);
  const g = e.graph;
  g.addInput(names.encoder.stoks, "int64", ["batch", "semantic"]);
  g.addInput(names.encoder.speakers, "float32", ["batch", dims.spkWidth]);
  g.addInput(names.encoder.mtoks, "int64", ["batch", config.quantizers, "music"]);
  const attention = { nHead, headDim, qkScale: dims.qkScale };

  const semantic = tensor(weights, "semantic_embedding.weight");
  const semanticTable = dims.stoksWidth === width ? semantic : projectRows(semantic, config.stoks_codes, dims.stoksWidth, tensor(weights, "emb_to_hidden.weight"), tensor(weights, "emb_to_hidden.bias"), width);
  const positions = e.range(e.dimension(names.encoder.stoks, 1));
  const rotary = e.rotaryAt(positions, headDim);
  let x = e.op("Gather", [e.constant("semantic_emb", semanticTable, [config.stoks_codes, width]), names.encoder.stoks], { axis: 0 });
  for (let i = 0; i < dims.encoderDepth; i++) x = e.encoderLayer(x, `encoder.${i}`, { ...attention, rotary });
  x = e.layerNorm(x, "ln_post");
  // F.normalize(speakers, dim=-1), then spk_to_hidden when the widths differ.
  const norm = e.op("Sqrt", [e.op("ReduceSum", [e.op("Mul", [names.encoder.speakers, names.encoder.speakers]), e.int64([-1])], { keepdims: 1 })]);
  let spk = e.op("Div", [names.encoder.speakers, e.op("Max", [norm, e.scalar(1e-12)])]);
  if (dims.spkWidth !== width) spk = e.linear(spk, "spk_to_hidden");
  const xenc = e.op("Add", [x, e.op("Unsqueeze", [spk, e.int64([1])])]);

  const musicPositions = e.range(e.dimension(names.encoder.mtoks, 2));
  const musicRotary = e.rotaryAt(musicPositions, headDim);
  let y = embedStreams(e, names.encoder.mtoks, musicIn, width);
  const musicMask = tunables.causal_music_encoder ? e.causalMask(musicPositions, musicPositions) : undefined;
  for (let i = 0; i < dims.musicEncoderDepth; i++) y = e.encoderLayer(y, `music_encoder.${i}`, { ...attention, rotary: musicRotary, ...(musicMask ? { mask: musicMask } : {}) });
  const yenc = e.layerNorm(y, "ln_post_music");

  const keyRotary = config.enc_subsample === 1 ? rotary : e.rotaryAt(e.op("Mul", [positions, e.int64([config.enc_subsample], [])]), headDim);
  e.twoCrossKeyValues({
    ...attention,
    depth: dims.decoderDepth,
    crossA: { memory: xenc, rotary: keyRotary, key: names.crossSemanticKey, value: names.crossSemanticValue, length: "semantic" },
    crossB: { memory: yenc, rotary: musicRotary, key: names.crossMusicKey, value: names.crossMusicValue, length: "music" },
  });
  return g.toBytes();
}

function exportDecoder(config: SM2AConfig, tunables: SM2ATunables, weights: StateDict, tables: ReturnType<typeof acousticTables>, weightType: "float32" | "int8", fusedAttention: boolean): Uint8Array {
  const dims = sm2aDimensions(config, tunables);
  const { width, headDim, vocab } = dims;
  const nHead = config.n_head;
  const q = config.quantizers;
  const names = SM2A_ONNX_NAMES;
  const e = new OnnxEmitter("sm2a_decoder", weights, weightType, { contribOps: true, fusedAttention });
  const g = e.graph;
  g.addInput(names.decoder.inputIds, "int64", ["batch", q, "seq"]);
  g.addInput(names.decoder.positions, "int64", ["seq"]);
  const positions = names.decoder.positions;
  let x = embedStreams(e, names.decoder.inputIds, tables.input, width);
  const totalLength = e.op("Add", [e.dimension(names.pastKey(0), 2), e.dimension(names.decoder.inputIds, 2)]);
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
    crossA: { key: names.crossSemanticKey, value: names.crossSemanticValue, length: "semantic" },
    crossB: { key: names.crossMusicKey, value: names.crossMusicValue, length: "music" },
  });
  x = e.layerNorm(x, "decoder.ln_post");
  // DelSumHead: splitter + GELU, one slice per quantizer, each unembedded by its own table.
  // Rows of all batch entries and positions go through one [W, vocab] product per quantizer, so
  // each unembedding matrix is read once per step whatever the batch.
  const perQuantizer = e.op("Transpose", [e.op("Reshape", [e.gelu(e.linear(x, "head.splitter.0")), e.int64([0, 0, q, width])])], { perm: [2, 0, 1, 3] });
  const rows = e.op("Reshape", [perQuantizer, e.int64([q, -1, width])]);
  const flat = e.op("Add", [e.op("MatMul", [rows, e.constant("unembed", tables.output, [q, width, vocab])]), e.constant("unembed_bias", tables.outputBias, [q, 1, vocab])]);
  const unsqueeze = (scalar: string): string => e.op("Unsqueeze", [scalar, e.int64([0])]);
  const shape = e.op("Concat", [e.int64([q]), unsqueeze(e.dimension(names.decoder.inputIds, 0)), unsqueeze(e.dimension(names.decoder.inputIds, 2)), e.int64([vocab])], { axis: 0 });
  e.op("Transpose", [e.op("Reshape", [flat, shape])], { perm: [1, 0, 2, 3] }, names.decoder.logits);
  g.addOutput(names.decoder.logits, "float32", ["batch", q, "seq", vocab]);
  return g.toBytes();
}
