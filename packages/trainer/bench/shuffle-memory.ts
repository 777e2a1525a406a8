/**
 * Memory of the run's shuffle buffer (upstream train.py's 64 × 1024 samples): maps one synthetic
 * row of each shape to N samples held in an array, as the buffer holds them, and measures the
 * heap plus ArrayBuffer growth per sample after a full GC. Shapes: t2s and sm2a on 15 s rows
 * (`construct-dataset --split`: 1248 frames, 375 semantic tokens) and 30 s rows (2496 frames,
 * 750 tokens); sm2a on the `multiscale` window (as upstream's README trains it) and on the full
 * `bricks_unrolled` row. Run: `node --expose-gc --import tsx bench/shuffle-memory.ts [--samples=N]`
 * (default 4096; the 64k figure is per-sample × 65536). Anchor: the same samples as Int32 arrays,
 * as they were held before (and upstream holds int64 torch tensors, twice that again).
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";

import { Xoshiro128 } from "@autosing/base";
import { sparseToDense } from "@autosing/audio-codec";

import { RUN_SHUFFLE_BUFFER_SAMPLES, type SampleContext, type TrainingRow, sm2aSample, t2sSample } from "../src/index.js";

const SAMPLES = Number(process.argv.find((a) => a.startsWith("--samples="))?.slice("--samples=".length) ?? 4096);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");

function syntheticRow(rng: Xoshiro128, frames: number, stoks: number): TrainingRow {
  const levels = () =>
    sparseToDense(
      [8, 4, 2, 1].map((stride) => {
        const n = frames / stride;
        return { data: Int32Array.from({ length: n }, () => rng.nextInt(4096)), shape: [n] };
      }),
    ).data;
  return {
    id: "synthetic",
    atoks: levels(),
    mtoks: levels(),
    stoks: Int32Array.from({ length: stoks }, () => rng.nextInt(2048)),
    embs: Float32Array.from({ length: 768 }, () => rng.nextFloat()),
    alignment: null,
    text: "when the candle is lucky we follow\ni dance the ship and remember the moon",
  };
}

function held(): number {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/** Bytes per sample of `make()` held N times, and the bytes of its typed arrays' contents. */
function measure(make: () => object): { perSample: number; payload: number } {
  const before = held();
  const kept: object[] = [];
  for (let i = 0; i < SAMPLES; i++) kept.push(make());
  const perSample = (held() - before) / SAMPLES;
  const first = kept[0] as Record<string, unknown>;
  const buffers = new Set<ArrayBufferLike>();
  let payload = 0;
  for (const value of Object.values(first)) {
    if (ArrayBuffer.isView(value) && !buffers.has(value.buffer)) {
      buffers.add(value.buffer);
      payload += value.buffer.byteLength;
    }
  }
  kept.length = 0;
  return { perSample, payload };
}

const context = (seed: number): SampleContext => ({ rng: Xoshiro128.fromSeed(seed), partition: 1, file: "bench", row: 0 });
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/** The shapes, by index: each is measured in a fresh process so that one's garbage cannot blur another's figure. */
function shapes(): [string, () => object][] {
  const list: [string, () => object][] = [];
  for (const [seconds, frames, stoks] of [
    [15, 1248, 375],
    [30, 2496, 750],
  ] as const) {
    const row = () => syntheticRow(Xoshiro128.fromSeed(seconds), frames, stoks);
    list.push(
      [`t2s ${seconds} s (900 text bytes)`, () => t2sSample(row(), { ttoksLength: 900 })],
      [`sm2a ${seconds} s, multiscale window`, () => sm2aSample(row(), { multiscale: true, pCoarse: 0 }, context(1))],
      [`sm2a ${seconds} s, full bricks_unrolled`, () => sm2aSample(row(), {}, context(1))],
    );
  }
  return list;
}

/** The bytes the sample's arrays would take as Int32 (every stream of t2s music, as before). */
function int32Bytes(sample: Record<string, unknown>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(sample)) {
    if (!ArrayBuffer.isView(value) || key === "outTtoks" || key === "outStoks") continue;
    const length = key === "mtoks" && "inTtoks" in sample ? 8 * (sample.mtoksLength as number) : (value as Uint8Array).length;
    // Shifted pairs were two arrays of their own; positions one Int32 per acoustic step.
    bytes += 4 * length * (key === "inTtoks" || key === "inStoks" ? 2 : 1);
  }
  if ("atoksLength" in sample) bytes += 4 * (sample.atoksLength as number);
  return bytes;
}

const shapeArg = process.argv.find((a) => a.startsWith("--shape="));
if (shapeArg) {
  const [label, make] = shapes()[Number(shapeArg.slice("--shape=".length))] as [string, () => object];
  // Rows are made once per sample here too, as the dataset does; only the samples are kept.
  const { perSample, payload } = measure(make);
  const int32 = int32Bytes(make() as Record<string, unknown>);
  console.log(
    `${label.padEnd(40)}${perSample.toFixed(0).padStart(12)}${String(payload).padStart(9)}${mib(perSample * RUN_SHUFFLE_BUFFER_SAMPLES).padStart(15)}  (${mib(int32 * RUN_SHUFFLE_BUFFER_SAMPLES)})`,
  );
} else {
  console.log(`run shuffle buffer: ${RUN_SHUFFLE_BUFFER_SAMPLES} samples; measured over ${SAMPLES} samples per shape, one process each (node ${process.version})`);
  console.log("shape                                   bytes/sample  payload  buffer of 64k  (as Int32 arrays)");
  for (let i = 0; i < shapes().length; i++) {
    const out = execFileSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), `--shape=${i}`, `--samples=${SAMPLES}`], { encoding: "utf8" });
    process.stdout.write(out);
  }
}
