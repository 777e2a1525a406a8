/**
 * The speed bound a network's arithmetic sets on this machine: its multiply-add count (2 FLOPs
 * each) at the real configuration, over a float32 matrix product's rate measured with
 * onnxruntime-node in the same run. Counted: every matrix product and convolution (linears,
 * attention scores and values, the convolutional feature encoder, grouped positional conv);
 * left out as small beside them: norms, activations, softmax, the STFT.
 */
import { float32Tensor, openOnnxSession } from "@autosing/onnx";
import { OnnxGraphBuilder } from "@autosing/onnx";

import type { MelBandLayout, MelBandRoformerConfig, Wav2Vec2Config } from "../src/index.js";
import { median } from "./bench-options.js";

/** GFLOP/s of an n×n by n×n float32 MatMul on onnxruntime-node (median of `repeats` after a warm-up). */
export async function measureMatmulGflops(threads: number, n = 1024, repeats = 5): Promise<number> {
  const graph = new OnnxGraphBuilder("matmul_rate");
  graph.addInput("a", "float32", [n, n]);
  graph.addInput("b", "float32", [n, n]);
  graph.addNode("MatMul", ["a", "b"], ["c"]);
  graph.addOutput("c", "float32", [n, n]);
  const session = await openOnnxSession(graph.toBytes(), { threads });
  const a = float32Tensor(Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000 - 0.5), [n, n]);
  const b = float32Tensor(Float32Array.from({ length: n * n }, (_, i) => ((i * 104729) % 1000) / 1000 - 0.5), [n, n]);
  await session.run({ a, b });
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    const started = performance.now();
    await session.run({ a, b });
    times.push((performance.now() - started) / 1000);
  }
  await session.release();
  return (2 * n ** 3) / median(times) / 1e9;
}

/** FLOPs of transformers' wav2vec2 (feature encoder, projection, positional conv, encoder, head) on `samples` of 16 kHz audio. */
export function wav2vec2Flops(config: Wav2Vec2Config, samples: number, classes: number): { flops: number; frames: number } {
  let flops = 0;
  let length = samples;
  let channels = 1;
  config.conv_dim.forEach((dim, i) => {
    const kernel = config.conv_kernel[i] ?? 1;
    length = Math.floor((length - kernel) / (config.conv_stride[i] ?? 1)) + 1;
    flops += 2 * length * dim * channels * kernel;
    channels = dim;
  });
  const t = length;
  const d = config.hidden_size;
  flops += 2 * t * channels * d; // feature projection
  flops += 2 * t * d * (d / config.num_conv_pos_embedding_groups) * config.num_conv_pos_embeddings; // grouped positional conv
  const perLayer = 2 * t * d * d * 4 + 2 * 2 * t * t * d + 2 * 2 * t * d * config.intermediate_size; // q,k,v,o; scores and values; feed-forward
  flops += config.num_hidden_layers * perLayer + 2 * t * d * classes;
  return { flops, frames: t };
}

/**
 * FLOPs of the fork's MelBandRoformer on one chunk of `frames` STFT frames: the band split (one
 * linear per band), `depth` × (time transformers over the frames of each band, frequency
 * transformers over the bands of each frame; attention of heads × dim_head, feed-forward ×4),
 * and the mask estimators (an MLP of depth `mask_estimator_depth`, hidden dim × 4, per band and stem).
 */
export function melBandRoformerFlops(config: MelBandRoformerConfig, layout: MelBandLayout, frames: number): number {
  const d = config.dim;
  const inner = config.heads * config.dim_head;
  const bands = config.num_bands;
  const tokens = frames * bands;
  const bandInputs = layout.bandInputs.reduce((a, b) => a + b, 0);
  let flops = 2 * frames * bandInputs * d; // band split
  const layer = (sequence: number) => tokens * (2 * d * inner * 4 + 2 * 2 * sequence * inner + 2 * 2 * d * 4 * d);
  flops += config.depth * (config.time_transformer_depth * layer(frames) + config.freq_transformer_depth * layer(bands));
  const hidden = 4 * d;
  const perBandHidden = 2 * d * hidden + (config.mask_estimator_depth - 1) * 2 * hidden * hidden;
  flops += config.num_stems * frames * (bands * perBandHidden + 2 * hidden * 2 * bandInputs);
  return flops;
}

/** "bound X s (Y GFLOP at Z GFLOP/s); ours is R× the bound". */
export function boundLine(gflop: number, gflopsPerSecond: number, ourSeconds: number, audioSeconds: number): string {
  const bound = gflop / gflopsPerSecond;
  return (
    `FLOPs bound: ${gflop.toFixed(0)} GFLOP at the measured ${gflopsPerSecond.toFixed(0)} GFLOP/s = ${bound.toFixed(2)} s (${(audioSeconds / bound).toFixed(2)}× real time); ` +
    `ours ${ourSeconds.toFixed(2)} s = ${(ourSeconds / bound).toFixed(2)}× the bound (goal ≤ 2×)`
  );
}
