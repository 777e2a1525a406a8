import { SNAC_ONNX_NAMES, snacCodeName } from "@autosing/audio-codec";

import type { SnacShape } from "./config.js";
import { SnacGraphEmitter, transposed } from "./graph-emitter.js";
import { decoderModules, encoderModules } from "./layout.js";
import type { SnacWeights } from "./weights.js";

/** ONNX names of the SNAC contract (DESIGN.md §5): the adapter's, so the two cannot disagree. */
export const SNAC_GRAPH_NAMES = {
  encoderInput: SNAC_ONNX_NAMES.encoderInput,
  code: snacCodeName,
  decoderOutput: SNAC_ONNX_NAMES.decoderOutput,
  noiseScale: SNAC_ONNX_NAMES.noiseScale,
} as const;

/** A level's out_proj (codebook vector → latent): [B, n, D] → [B, n, C], then each frame repeated `stride` times. */
function projectCodes(g: SnacGraphEmitter, vectors: string, level: number, stride: number, latentDim: number): string {
  const p = `quantizer.quantizers.${level}.out_proj`;
  const projected = g.op("Add", [g.op("MatMul", [vectors, g.initializer(`${p}.weight`, transposed)]), g.initializer(`${p}.bias`)]);
  if (stride === 1) return projected;
  const repeated = g.op("Expand", [g.op("Unsqueeze", [projected, g.int64([2])]), g.int64([1, 1, stride, 1])]);
  return g.op("Reshape", [repeated, g.int64([0, -1, latentDim])]);
}

/**
 * Port of snac 1.2.0 `SNAC.encode` after `preprocess` (the caller truncates or pads to
 * `encodeMultiple`): the encoder, then the residual VQ, level i average-pooled by vq_strides[i],
 * projected to codebook_dim, L2-normalised and matched to the L2-normalised codebook by
 * argmax(2 e·c − ‖c‖²) (upstream's −distance without the per-row ‖e‖², which does not change the
 * argmax); its codebook vector projected back, repeated and subtracted from the residual.
 * input_values f32 [B, 1, N] → audio_codes.i int64 [B, N / hop / vq_strides[i]].
 */
export function emitSnacEncoder(shape: SnacShape, weights: SnacWeights): SnacGraphEmitter {
  const g = new SnacGraphEmitter("snac_encoder", weights);
  const { config, latentDim } = shape;
  g.graph.addInput(SNAC_GRAPH_NAMES.encoderInput, "float32", ["batch", 1, "samples"]);
  let residual = g.modules(SNAC_GRAPH_NAMES.encoderInput, encoderModules(shape));
  config.vq_strides.forEach((stride, level) => {
    const p = `quantizer.quantizers.${level}`;
    const pooled = stride > 1 ? g.op("AveragePool", [residual], { kernel_shape: [stride], strides: [stride] }) : residual;
    const projected = g.op("Conv", [pooled, g.initializer(`${p}.in_proj.weight`), g.initializer(`${p}.in_proj.bias`)], { kernel_shape: [1] });
    const latents = g.op("Transpose", [projected], { perm: [0, 2, 1] });
    const norm = g.op("Max", [g.op("ReduceL2", [latents], { axes: [-1], keepdims: 1 }), g.scalar(1e-12)]);
    const normalized = g.op("Div", [latents, norm]);
    const codebook = g.weight(`${p}.codebook.weight`);
    const { matrix, offset } = matchingTables(codebook.data, config.codebook_size, config.codebook_dim);
    const scores = g.op("Add", [g.op("MatMul", [normalized, g.constant(`${p}.codebook_match`, matrix, [config.codebook_dim, config.codebook_size])]), g.constant(`${p}.codebook_offset`, offset, [config.codebook_size])]);
    const codes = g.op("ArgMax", [scores], { axis: -1, keepdims: 0 }, SNAC_GRAPH_NAMES.code(level));
    g.graph.addOutput(codes, "int64", ["batch", `codes_${level}`]);
    if (level === config.vq_strides.length - 1) return;
    const vectors = g.op("Gather", [g.constant(`${p}.codebook`, codebook.data, codebook.shape), codes], { axis: 0 });
    const quantized = g.op("Transpose", [projectCodes(g, vectors, level, stride, latentDim)], { perm: [0, 2, 1] });
    residual = g.op("Sub", [residual, quantized]);
  });
  return g;
}

/**
 * 2·ĉᵀ [D, K] and −‖ĉ‖² [K] for the normalised codebook ĉ = c / max(‖c‖, 1e-12) (F.normalize):
 * latents · 2ĉᵀ − ‖ĉ‖² is upstream's −distance up to a per-row constant.
 */
function matchingTables(codebook: Float32Array, size: number, dim: number): { matrix: Float32Array; offset: Float32Array } {
  const matrix = new Float32Array(dim * size);
  const offset = new Float32Array(size);
  for (let k = 0; k < size; k++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += codebook[k * dim + d]! ** 2;
    const norm = Math.max(Math.fround(Math.sqrt(sum)), 1e-12);
    let squared = 0;
    for (let d = 0; d < dim; d++) {
      const c = Math.fround(codebook[k * dim + d]! / norm);
      matrix[d * size + k] = 2 * c;
      squared += c * c;
    }
    offset[k] = -squared;
  }
  return { matrix, offset };
}

/**
 * Port of snac 1.2.0 `SNAC.decode`: `ResidualVectorQuantize.from_codes` (each level's codebook
 * vectors projected by out_proj, repeated vq_strides[i] times, summed in level order) and the
 * decoder. audio_codes.i int64 [B, n_i] + noise_scale f32 [] (with noise blocks) → audio_values f32 [B, 1, n_last · decoderHop].
 */
export function emitSnacDecoder(shape: SnacShape, weights: SnacWeights): SnacGraphEmitter {
  const g = new SnacGraphEmitter("snac_decoder", weights);
  const { config, latentDim } = shape;
  let sum: string | undefined;
  config.vq_strides.forEach((stride, level) => {
    const input = g.graph.addInput(SNAC_GRAPH_NAMES.code(level), "int64", ["batch", `codes_${level}`]);
    const codebook = g.initializer(`quantizer.quantizers.${level}.codebook.weight`);
    const latent = projectCodes(g, g.op("Gather", [codebook, input], { axis: 0 }), level, stride, latentDim);
    sum = sum === undefined ? latent : g.op("Add", [sum, latent]);
  });
  // Only a network with noise blocks takes noise_scale (the adapter feeds it when the graph has it).
  const noiseScale = config.noise ? g.graph.addInput(SNAC_GRAPH_NAMES.noiseScale, "float32", []) : undefined;
  const audio = g.modules(g.op("Transpose", [sum!], { perm: [0, 2, 1] }), decoderModules(shape), noiseScale);
  g.graph.addNode("Identity", [audio], [SNAC_GRAPH_NAMES.decoderOutput]);
  g.graph.addOutput(SNAC_GRAPH_NAMES.decoderOutput, "float32", ["batch", 1, "samples"]);
  return g;
}
