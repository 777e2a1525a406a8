// Decoding speed of sm2a on onnxruntime-node (CPU): ms per step and tokens/s at sizes tiny and
// small, batch 1 and 8, the estimated time of a full 15 s generation (1280 `bricks_unrolled`
// steps) and the memory-bandwidth floor. Random weights. Run:
// pnpm --filter @autosing/sm2a-model bench [-- --sizes tiny,small --steps 8 --threads 2]
import { float32Tensor, int64Tensor, openOnnxSession } from "@autosing/nn";
import type { StateDict, Tensor } from "@autosing/nn";

import { DEFAULT_SM2A_TUNABLES, exportSM2AOnnx, sm2aConfigForSize, sm2aDimensions, SM2A_ONNX_NAMES as N, sm2aParameterSpecs } from "../src/index.js";
import type { SM2ASize } from "../src/index.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const sizes = option("sizes", "tiny,small").split(",") as SM2ASize[];
const steps = Number(option("steps", "8"));
const threads = Number(option("threads", "0")) || undefined;
const decoderWeights = option("weights", "float32") === "int8" ? "int8" : "float32";
const fullSteps = 1280; // 15 s: 1248 SNAC frames → bricks 320 steps → unrolled ×4
const past = fullSteps / 2;
const tunables = { ...DEFAULT_SM2A_TUNABLES };

function quickWeights(size: SM2ASize): StateDict {
  const config = sm2aConfigForSize(size);
  const out: StateDict = new Map();
  let state = 12345;
  for (const spec of sm2aParameterSpecs(config, tunables)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (spec.init.kind === "fixed") data.set(spec.init.values);
    else for (let i = 0; i < count; i++) data[i] = (((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5) * 0.04;
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

function copyBandwidth(): number {
  const a = new Float32Array(64 * 1024 * 1024).fill(1);
  const b = new Float32Array(a.length);
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    b.set(a);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * a.byteLength) / (best / 1000);
}

const bandwidth = copyBandwidth();
console.log(`copy bandwidth: ${(bandwidth / 1e9).toFixed(1)} GB/s (read + write); threads: ${threads ?? "onnxruntime default"}; decoder weights: ${decoderWeights}`);
console.log("size   batch  ms/step (median / min)  tokens/s (median)  floor ms/step  est. 15 s generation (median)");

for (const size of sizes) {
  const config = sm2aConfigForSize(size);
  const dims = sm2aDimensions(config, tunables);
  const q = config.quantizers;
  const weights = quickWeights(size);
  const started = performance.now();
  const models = exportSM2AOnnx(config, tunables, weights, { decoderWeights });
  const exportMs = performance.now() - started;
  weights.clear();
  const encoder = await openOnnxSession(models.encoder, threads ? { threads } : {});
  const decoder = await openOnnxSession(models.decoder, threads ? { threads } : {});
  const decoderBytes = models.decoder.byteLength;
  console.log(`# ${size}: width ${dims.width}, decoder depth ${dims.decoderDepth}, export ${(exportMs / 1000).toFixed(1)} s, decoder graph ${(decoderBytes / 1e6).toFixed(0)} MB`);
  for (const batch of [1, 8]) {
    const encoded = await encoder.run({
      [N.encoder.stoks]: int64Tensor(new Array(batch * config.stoks_len).fill(5), [batch, config.stoks_len]),
      [N.encoder.speakers]: float32Tensor(new Float32Array(batch * dims.spkWidth).fill(0.1), [batch, dims.spkWidth]),
      [N.encoder.mtoks]: int64Tensor(new Array(batch * q * config.mtoks_len).fill(7), [batch, q, config.mtoks_len]),
    });
    const feeds: Record<string, Tensor> = {
      [N.decoder.inputIds]: int64Tensor(new Array(batch * q).fill(3), [batch, q, 1]),
      [N.decoder.positions]: int64Tensor([past], [1]),
    };
    const cache = new Float32Array(batch * config.n_head * past * config.head_width).fill(0.01);
    for (let i = 0; i < dims.decoderDepth; i++) {
      for (const name of [N.crossSemanticKey(i), N.crossSemanticValue(i), N.crossMusicKey(i), N.crossMusicValue(i)]) {
        const tensor = encoded[name];
        if (tensor) feeds[name] = tensor;
      }
      feeds[N.pastKey(i)] = float32Tensor(cache, [batch, config.n_head, past, config.head_width]);
      feeds[N.pastValue(i)] = float32Tensor(cache, [batch, config.n_head, past, config.head_width]);
    }
    await decoder.run(feeds);
    const times: number[] = [];
    for (let s = 0; s < steps; s++) {
      const t = performance.now();
      await decoder.run(feeds);
      times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? NaN;
    // The minimum shows the cost on an idle machine; shared machines inflate the median.
    const fastest = times[0] ?? NaN;
    const kvBytes = 2 * dims.decoderDepth * batch * dims.width * past * 4;
    const crossBytes = 2 * dims.decoderDepth * batch * dims.width * (config.stoks_len + config.mtoks_len) * 4;
    const floor = ((decoderBytes + kvBytes + crossBytes) / bandwidth) * 1000;
    const total = (median * fullSteps) / 1000;
    console.log(
      `${size.padEnd(6)} ${String(batch).padStart(5)} ${median.toFixed(1).padStart(8)} / ${fastest.toFixed(1).padStart(6)} ${((1000 / median) * batch * q).toFixed(1).padStart(12)} ${floor.toFixed(1).padStart(14)}  ${total.toFixed(0).padStart(6)} s`,
    );
  }
  await encoder.release();
  await decoder.release();
}
console.log(`(steps timed at past length ${past}, the middle of a 15 s generation; tokens/s counts all ${8} streams; floor = bytes read per step ÷ measured copy traffic rate;`);
console.log(" anchor: upstream PyTorch on a 2-core machine ≈ 130 ms/step tiny, 1240 ms/step small (26 min per 15 s); target ≤ 100 ms/step small)");
