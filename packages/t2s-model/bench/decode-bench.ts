// Decoding speed of t2s on onnxruntime-node (CPU): ms per step and tokens/s at sizes tiny and
// small, batch 1 and 8, with the memory-bandwidth floor as anchor. Weights are random (speed does
// not depend on values). Run: pnpm --filter @autosing/t2s-model bench [-- --sizes tiny,small --steps 8]
import { float32Tensor, int64Tensor, openOnnxSession } from "@autosing/nn";
import type { StateDict, Tensor } from "@autosing/nn";

import { DEFAULT_T2S_TUNABLES, exportT2SOnnx, t2sConfigForSize, t2sDimensions, T2S_ONNX_NAMES as N, t2sParameterSpecs } from "../src/index.js";
import type { T2SSize } from "../src/index.js";

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
};
const sizes = option("sizes", "tiny,small").split(",") as T2SSize[];
const steps = Number(option("steps", "8"));
const threads = Number(option("threads", "0")) || undefined;
const decoderWeights = option("weights", "float32") === "int8" ? "int8" : "float32";
const past = Number(option("past", "375"));
const tunables = { ...DEFAULT_T2S_TUNABLES };

/** Cheap deterministic fill; the bench measures speed, values only need to be finite and small. */
function quickWeights(size: T2SSize): StateDict {
  const config = t2sConfigForSize(size);
  const out: StateDict = new Map();
  let state = 12345;
  for (const spec of t2sParameterSpecs(config, tunables)) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (spec.init.kind === "fixed") data.set(spec.init.values);
    else for (let i = 0; i < count; i++) data[i] = (((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 4294967296) - 0.5) * 0.04;
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

/** Measured memory copy bandwidth (bytes read + written per second) over 256 MiB. */
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
console.log("size   batch  ms/step (median / min)  tokens/s (median)  floor ms/step (weights + KV + cross K/V ÷ bandwidth)");

for (const size of sizes) {
  const config = t2sConfigForSize(size);
  const dims = t2sDimensions(config, tunables);
  const weights = quickWeights(size);
  const started = performance.now();
  const models = exportT2SOnnx(config, tunables, weights, { decoderWeights });
  const exportMs = performance.now() - started;
  weights.clear();
  const encoder = await openOnnxSession(models.encoder, threads ? { threads } : {});
  const decoder = await openOnnxSession(models.decoder, threads ? { threads } : {});
  const decoderBytes = models.decoder.byteLength;
  console.log(`# ${size}: width ${dims.width}, decoder depth ${dims.decoderDepth}, export ${(exportMs / 1000).toFixed(1)} s, decoder graph ${(decoderBytes / 1e6).toFixed(0)} MB`);
  for (const batch of [1, 8]) {
    const encoded = await encoder.run({
      [N.encoder.ttoks]: int64Tensor(new Array(batch * config.ttoks_len).fill(65), [batch, config.ttoks_len]),
      [N.encoder.language]: int64Tensor(new Array(batch).fill(0), [batch]),
      [N.encoder.cpsBin]: int64Tensor(new Array(batch).fill(1), [batch]),
      [N.encoder.mtoks]: int64Tensor(new Array(batch * config.quantizers * config.mtoks_len).fill(7), [batch, config.quantizers, config.mtoks_len]),
    });
    const feeds: Record<string, Tensor> = {
      [N.decoder.inputIds]: int64Tensor(new Array(batch).fill(3), [batch, 1]),
      [N.decoder.positions]: int64Tensor([past], [1]),
    };
    const cps = encoded[N.encoder.cpsEmbedding];
    if (cps) feeds[N.decoder.cpsEmbedding] = cps;
    const cache = new Float32Array(batch * config.n_head * past * config.head_width).fill(0.01);
    for (let i = 0; i < dims.decoderDepth; i++) {
      for (const name of [N.crossTextKey(i), N.crossTextValue(i), N.crossMusicKey(i), N.crossMusicValue(i)]) {
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
    const crossBytes = 2 * dims.decoderDepth * batch * dims.width * (config.ttoks_len + config.mtoks_len) * 4;
    const floor = ((decoderBytes + kvBytes + crossBytes) / bandwidth) * 1000;
    console.log(`${size.padEnd(6)} ${String(batch).padStart(5)} ${median.toFixed(1).padStart(8)} / ${fastest.toFixed(1).padStart(6)} ${((1000 / median) * batch).toFixed(1).padStart(12)} ${floor.toFixed(1).padStart(14)}`);
  }
  await encoder.release();
  await decoder.release();
}
console.log(`(past length ${past} of 750; floor = bytes read once per step ÷ measured copy traffic rate; target ≤ 100 ms/step for small at batch 1)`);
