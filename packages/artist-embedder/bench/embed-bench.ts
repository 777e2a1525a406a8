// Speed of the artist_embs step on onnxruntime-node (CPU): one 30 s chunk (3 windows of 832
// frames) through the default Embedder (depth 8, width 768), against a compute floor: the
// step's multiply-adds ÷ the MatMul throughput onnxruntime reaches on this machine for the
// model's largest matrix product. Weights are random (speed does not depend on values).
// Run: pnpm --filter @autosing/artist-embedder bench [-- --repeats 3 --threads 2 --depth 8]
import { OnnxGraphBuilder, benchWeights, float32Tensor, openOnnxSession } from "@autosing/nn";

import { ArtistEmbedder, artistEmbedderConfig, artistEmbedderDimensions, artistEmbedderParameterSpecs, DEFAULT_ARTIST_EMBEDDER_TUNABLES, exportArtistEmbedderOnnx } from "../src/index.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const repeats = Number(option("repeats", "3"));
const threads = Number(option("threads", "0")) || undefined;
const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
const config = artistEmbedderConfig(100, { depth: Number(option("depth", "8")) });
const dims = artistEmbedderDimensions(config, tunables);

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;

/** Multiply-adds ×2 of embedding one window: full layers, then the last-frame-only final layer. */
function windowFlops(): number {
  const t = config.ctx_n;
  const w = dims.width;
  const ffn = w * config.ffn_mult;
  const fullLayer = t * (4 * w * w + 2 * w * ffn) + 2 * t * t * w;
  const lastLayer = t * 2 * w * w + (2 * w * w + 2 * w * ffn) + 2 * t * w;
  return 2 * ((config.depth - 1) * fullLayer + lastLayer + w * config.emb_width);
}

/** FLOP/s of onnxruntime on the model's MLP product [3·832, W] × [W, 4W]. */
async function matmulThroughput(): Promise<number> {
  const rows = 3 * config.ctx_n;
  const inner = dims.width;
  const outer = dims.width * config.ffn_mult;
  const g = new OnnxGraphBuilder("matmul");
  g.addInput("x", "float32", [rows, inner]);
  const weight = g.addInitializer("w", new Float32Array(inner * outer).fill(0.01), [inner, outer]);
  g.addNode("MatMul", ["x", weight], ["y"]);
  g.addOutput("y", "float32", [rows, outer]);
  const session = await openOnnxSession(g.toBytes(), threads === undefined ? {} : { threads });
  const x = float32Tensor(new Float32Array(rows * inner).fill(0.5), [rows, inner]);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const started = performance.now();
    await session.run({ x });
    times.push(performance.now() - started);
  }
  await session.release();
  return (2 * rows * inner * outer) / (Math.min(...times) / 1000);
}

const flopsPerSecond = await matmulThroughput();
const weights = benchWeights(artistEmbedderParameterSpecs(config, tunables));
let started = performance.now();
const model = exportArtistEmbedderOnnx(config, tunables, weights);
const exportMs = performance.now() - started;
weights.clear();
const embedder = await ArtistEmbedder.create(model, config, tunables, threads === undefined ? {} : { threads });
const frames = 3 * config.ctx_n;
const tokens = new Int32Array(4 * frames);
for (let level = 0; level < 4; level++) for (let t = 0; t < frames; t += 2 ** (3 - level)) tokens[level * frames + t] = (t * 7 + level * 13) % config.codes;
const times: number[] = [];
for (let k = 0; k < repeats + 1; k++) {
  started = performance.now();
  const result = await embedder.embedAudioTokens({ data: tokens, shape: [4, frames] });
  if (k > 0) times.push(performance.now() - started); // the first run includes session warm-up
  if (result.data.length !== 3 * config.emb_width) throw new Error("unexpected embedding size");
}
await embedder.release();
const floorMs = ((3 * windowFlops()) / flopsPerSecond) * 1000;
console.log(`artist embedder ${JSON.stringify({ depth: config.depth, width: dims.width, ctx_n: config.ctx_n })}, threads: ${threads ?? "onnxruntime default"}`);
console.log(`ONNX export: ${exportMs.toFixed(0)} ms, ${(model.byteLength / 2 ** 20).toFixed(0)} MiB`);
console.log(`MatMul throughput: ${(flopsPerSecond / 1e9).toFixed(1)} GFLOP/s`);
console.log(`one 30 s chunk (3 windows): ${median(times).toFixed(0)} ms median, ${Math.min(...times).toFixed(0)} ms min; compute floor ${floorMs.toFixed(0)} ms (${((3 * windowFlops()) / 1e9).toFixed(1)} GFLOP ÷ MatMul throughput) → ${(median(times) / floorMs).toFixed(2)}× the floor`);
