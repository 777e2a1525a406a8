import { ONNX_MASK_VALUE, OnnxEmitter } from "@autosing/nn";
import type { AttentionEmitOptions, StateDict } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions } from "./config.js";
import { ArtistEmbedderError } from "./errors.js";

/** Graph input/output names shared by the exporter and the inference wrapper. */
export const ARTIST_EMBEDDER_ONNX_NAMES = {
  /** int64 [batch, quantizers, ctx_n]: dense SNAC windows (unflattened). */
  atoks: "atoks",
  /** float32 [batch, emb_width]. */
  embedding: "embedding",
  /** float32 [batch, num_classes]: `class_head` of the embedding (upstream Embedder.classify). */
  classLogits: "class_logits",
} as const;

type Rotary = { cos: string; sin: string };

function tensor(weights: StateDict, name: string): Float32Array {
  const t = weights.get(name);
  if (!t) throw new ArtistEmbedderError(`weight ${name} is missing from the state dict being exported`);
  return t.data;
}

/**
 * The final encoder layer where only the last frame's output is used (`x[:, -1]`): keys and
 * values over every frame, but the query, attention output and MLP for the last frame only,
 * which saves most of a layer. The last query sees every key, so no mask. Returns [B, W].
 */
function lastFrameLayer(e: OnnxEmitter, x: string, prefix: string, options: AttentionEmitOptions & { rotary: Rotary; lastRotary: Rotary }, t: number): string {
  const { nHead, headDim } = options;
  const width = nHead * headDim;
  const sqrtScale = Math.sqrt(options.qkScale);
  const lnx = e.layerNorm(x, `${prefix}.attn_ln`);
  const kv = e.fusedLinear(lnx, [{ prefix: `${prefix}.attn.key`, scale: sqrtScale, bias: false }, { prefix: `${prefix}.attn.value` }]);
  const [k, v] = e.opMulti("Split", [kv, e.int64([width, width])], 2, { axis: -1 }) as [string, string];
  const keyHeads = e.rotate(e.op("Reshape", [k, e.int64([0, 0, nHead, headDim])]), options.rotary.cos, options.rotary.sin, headDim);
  const keyTransposed = e.op("Transpose", [keyHeads], { perm: [0, 2, 3, 1] });
  const value = e.splitHeads(v, nHead, headDim);
  const lastIndex = e.int64([t - 1], [1]);
  // 1/√D folded into the query weights, as OnnxEmitter.selfAttention does.
  const query = e.splitHeads(e.linear(e.op("Gather", [lnx, lastIndex], { axis: 1 }), `${prefix}.attn.query`, { scale: sqrtScale / Math.sqrt(headDim) }), nHead, headDim, options.lastRotary);
  const attended = e.linear(e.mergeHeads(e.attend(query, keyTransposed, value), width), `${prefix}.attn.out`);
  const y = e.op("Add", [e.op("Gather", [x, lastIndex], { axis: 1 }), attended]);
  const out = e.op("Add", [y, e.mlp(e.layerNorm(y, `${prefix}.mlp_ln`), `${prefix}.mlp`)]);
  return e.op("Squeeze", [out, e.int64([1])]);
}

/**
 * Exports the embedding path of an Embedder (Port of autosing/artist_embeddings.py:
 * Embedder.forward with noloss=True, plus classify) to one ONNX graph with a dynamic batch:
 * summed per-quantizer embeddings (FlexEmbeddings.convert_for_eval's merged tables), the causal
 * rotary encoder, `emb_proj` of the last frame and `class_head`. The AR head is training-only.
 */
export function exportArtistEmbedderOnnx(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables, weights: StateDict): Uint8Array {
  const dims = artistEmbedderDimensions(config, tunables);
  const { width, headDim } = dims;
  const names = ARTIST_EMBEDDER_ONNX_NAMES;
  const t = config.ctx_n;
  const e = new OnnxEmitter("artist_embedder", weights);
  const g = e.graph;
  g.addInput(names.atoks, "int64", ["batch", config.quantizers, t]);

  // merged_in: main rows then the shared special rows, so ids ≥ codes pick the special codes.
  const special = tensor(weights, "embds.embeddings.0.special.weight");
  let x: string | undefined;
  for (let q = 0; q < config.quantizers; q++) {
    const table = new Float32Array((config.codes + 2) * width);
    table.set(tensor(weights, `embds.embeddings.${q}.main.weight`));
    table.set(special, config.codes * width);
    const ids = e.op("Gather", [names.atoks, e.int64([q], [])], { axis: 1 });
    const emb = e.op("Gather", [e.constant(`acoustic_emb_${q}`, table, [config.codes + 2, width]), ids], { axis: 0 });
    x = x === undefined ? emb : e.op("Add", [x, emb]);
  }
  if (x === undefined) throw new ArtistEmbedderError("config has no quantizers");

  // The window length is fixed (upstream asserts ctx_n), so rotary tables and mask are constants.
  const positions = Array.from({ length: t }, (_, i) => i);
  const rotary = e.rotaryFixed(positions, headDim);
  const attention = { nHead: config.n_head, headDim, qkScale: dims.qkScale };
  if (config.depth > 1) {
    // Only the full-sequence layers need the mask (the last layer attends from the last frame alone);
    // a one-layer model must not carry it, or onnxruntime warns about an unused initializer.
    const maskValues = new Float32Array(t * t);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) maskValues[i * t + j] = ONNX_MASK_VALUE;
    const mask = e.constant("causal_mask", maskValues, [t, t]);
    for (let i = 0; i < config.depth - 1; i++) x = e.encoderLayer(x, `encoder.${i}`, { ...attention, rotary, mask });
  }
  const last = lastFrameLayer(e, x, `encoder.${config.depth - 1}`, { ...attention, rotary, lastRotary: e.rotaryFixed([t - 1], headDim) }, t);
  const embedding = e.linear(last, "emb_proj");
  e.output(embedding, names.embedding, ["batch", config.emb_width]);
  e.output(e.linear(embedding, "class_head"), names.classLogits, ["batch", config.num_classes]);
  return g.toBytes();
}
