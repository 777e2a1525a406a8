/**
 * The matrix products of t2s/sm2a tiny training steps on the three engines a step could use, one
 * product at a time: the wasm backend's own (XNNPACK, one thread), onnxruntime's native GEMM that
 * `selectBackend` puts behind it (@autosing/nn, all cores), and — the anchor — PyTorch's
 * `torch.matmul` on the same shapes and threads (`/usr/bin/python3`, OpenBLAS), when torch imports.
 * Prints ms per product and GFLOP/s. `--reps=N` (default 10) timed repetitions after one warm-up.
 */
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";

import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";

import { selectBackend } from "../src/index.js";
import { torchUnavailable } from "./torch-anchor.js";

const argument = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const REPS = Number(argument("reps", "10"));
const THREADS = availableParallelism();

/** [a shape, b shape, transposeB]: projections, the 4098-way heads' products, attention (batched). */
const SHAPES: [number[], number[], boolean][] = [
  [[1280, 384], [384, 384], false],
  [[1280, 384], [1536, 384], true],
  [[1280, 1536], [1536, 384], false],
  [[1023, 384], [4096, 384], true],
  [[1023, 4096], [4096, 384], false],
  [[12, 320, 320], [12, 320, 64], false],
  [[12, 320, 64], [12, 320, 64], true],
];

const flops = ([a, b, tB]: (typeof SHAPES)[number]) => {
  const m = a[a.length - 2] as number;
  const k = a[a.length - 1] as number;
  const n = (tB ? b[b.length - 2] : b[b.length - 1]) as number;
  return 2 * a.slice(0, -2).reduce((p, d) => p * d, 1) * m * k * n;
};

function timeEngine(): number[] {
  const rng = Xoshiro128.fromSeed(1);
  return SHAPES.map(([aShape, bShape, transposeB]) => {
    const random = (shape: number[]) => tf.tensor(Float32Array.from({ length: shape.reduce((p, d) => p * d, 1) }, () => rng.nextFloat() - 0.5), shape);
    const [a, b] = [random(aShape), random(bShape)];
    tf.matMul(a, b, false, transposeB).dispose();
    const start = performance.now();
    // Kernels on wasm are synchronous: the product is written when matMul returns (no read-back timed).
    for (let i = 0; i < REPS; i++) tf.matMul(a, b, false, transposeB).dispose();
    tf.dispose([a, b]);
    return (performance.now() - start) / REPS;
  });
}

function timeTorch(): number[] | string {
  const unavailable = torchUnavailable();
  if (unavailable) return unavailable;
  const script = [
    "import json, sys, time, torch",
    `torch.set_num_threads(${THREADS})`,
    "out = []",
    "for a, b, tb in json.loads(sys.argv[1]):",
    "    x, y = torch.rand(a) - 0.5, torch.rand(b) - 0.5",
    "    f = (lambda: torch.matmul(x, y.transpose(-1, -2))) if tb else (lambda: torch.matmul(x, y))",
    "    f()",
    "    t = time.perf_counter()",
    `    for _ in range(${REPS}): f()`,
    `    out.append((time.perf_counter() - t) / ${REPS} * 1000)`,
    "print(json.dumps(out))",
  ].join("\n");
  const result = spawnSync("/usr/bin/python3", ["-c", script, JSON.stringify(SHAPES)], { encoding: "utf8" });
  if (result.status !== 0) return `PyTorch anchor failed: ${result.stderr.trim().split("\n").pop()}`;
  return JSON.parse(result.stdout) as number[];
}

await selectBackend({ only: ["wasm"], matMulThreads: 0 });
const wasm = timeEngine();
const selected = await selectBackend({ only: ["wasm"] });
const native = timeEngine();
const torch = timeTorch();
const engine = selected.matMul?.engine === "onnxruntime" ? `onnxruntime GEMM (${selected.matMul.threads} threads)` : `wasm again (${selected.matMul?.engine === "wasm" ? selected.matMul.reason : "?"})`;
console.log(`matrix products, ms per product (GFLOP/s); ${REPS} reps; wasm XNNPACK (1 thread) | ${engine} | PyTorch ${typeof torch === "string" ? "—" : `(${THREADS} threads)`}`);
const cell = (ms: number, gflop: number) => `${ms.toFixed(2).padStart(7)} ms (${(gflop / ms).toFixed(0).padStart(3)})`;
SHAPES.forEach((shape, i) => {
  const gflop = flops(shape) / 1e6;
  const label = `[${shape[0].join(",")}] × [${shape[1].join(",")}]${shape[2] ? "ᵀ" : ""}`;
  const torchCell = typeof torch === "string" ? "" : ` | ${cell(torch[i] as number, gflop)} | native / PyTorch ×${((torch[i] as number) / (native[i] as number)).toFixed(2)}`;
  console.log(`  ${label.padEnd(34)} ${cell(wasm[i] as number, gflop)} | ${cell(native[i] as number, gflop)} ×${((wasm[i] as number) / (native[i] as number)).toFixed(1)}${torchCell}`);
});
if (typeof torch === "string") console.log(`  ${torch}`);
