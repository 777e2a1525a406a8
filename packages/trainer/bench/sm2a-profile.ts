/**
 * Where sm2a tiny's training step spends its time on wasm: one forward+backward (`tf.variableGrads`
 * of the trainer's loss, memory-efficient as training runs it) under `tf.profile`, kernel times
 * summed per kernel name (kernels the wasm backend bridges to the cpu backend show up under their
 * own names, copies included), top entries printed with their share of the step. One warm-up step
 * first. `--steps=N` acoustic steps (default 1280, the full 15 s `bricks_unrolled` row), batch 1,
 * `--top=N` rows (default 15).
 */
import * as tf from "@tensorflow/tfjs-core";

import { selectBackend } from "../src/index.js";
import { sm2aRandomRow } from "./sm2a-random-row.js";

const argument = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const STEPS = Number(argument("steps", "1280"));
const TOP = Number(argument("top", "15"));

const selected = await selectBackend({ only: [argument("backend", "wasm") as "wasm"] });
const { model, batch: row } = sm2aRandomRow(STEPS);
const batch = { ...row, atoksPositions: tf.tensor2d(Int32Array.from({ length: STEPS }, (_, i) => i), [1, STEPS], "int32") };
const variables = model.variables.map((v) => v.variable);

function step(): void {
  const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true }).loss, variables);
  for (const g of Object.values(grads)) g.dataSync();
  tf.dispose([value, ...Object.values(grads)]);
}

step();
const start = performance.now();
const info = await tf.profile(step);
const wallMs = performance.now() - start;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const kernel of info.kernels) {
  const ms = await kernel.kernelTimeMs;
  const entry = byKernel.get(kernel.name) ?? { ms: 0, calls: 0 };
  entry.ms += typeof ms === "number" ? ms : 0;
  entry.calls += 1;
  byKernel.set(kernel.name, entry);
}
const kernelMs = [...byKernel.values()].reduce((sum, e) => sum + e.ms, 0);
console.log(`sm2a tiny on ${selected.backend}: one forward+backward, ${STEPS} acoustic steps, batch 1: ${(wallMs / 1000).toFixed(1)} s wall (profiled), ${(kernelMs / 1000).toFixed(1)} s in kernels, ${info.kernels.length} kernel calls`);
for (const [name, entry] of [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, TOP)) {
  console.log(`  ${name.padEnd(22)} ${(entry.ms / 1000).toFixed(2).padStart(7)} s ${((100 * entry.ms) / kernelMs).toFixed(1).padStart(5)} %  ${String(entry.calls).padStart(6)} calls`);
}
// Matrix products by operand shapes, with the rate each achieves (2·m·n·k per item; the
// transposes the wasm wrapper makes explicit are inside the kernel's time).
const products = new Map<string, { ms: number; calls: number; flop: number }>();
for (const kernel of info.kernels) {
  if (kernel.name !== "BatchMatMul") continue;
  const [a = [], b = []] = kernel.inputShapes as number[][];
  const outSize = kernel.outputShapes[0]?.reduce((p, d) => p * d, 1) ?? 0;
  // Per item, |a|·|b| = m·k·k·n and |out| = m·n, whichever operands are transposed.
  const item = (shape: number[]) => (shape.at(-1) ?? 1) * (shape.at(-2) ?? 1);
  const outShape = kernel.outputShapes[0] ?? [];
  const k = Math.sqrt((item(a) * item(b)) / item(outShape));
  const key = `${JSON.stringify(a)} x ${JSON.stringify(b)}`;
  const entry = products.get(key) ?? { ms: 0, calls: 0, flop: 0 };
  entry.ms += (await kernel.kernelTimeMs) as number;
  entry.calls += 1;
  entry.flop += 2 * outSize * k;
  products.set(key, entry);
}
console.log("  BatchMatMul by operand shapes:");
for (const [key, entry] of [...products.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, TOP)) {
  console.log(`    ${key.padEnd(42)} ${(entry.ms / 1000).toFixed(2).padStart(7)} s ${String(entry.calls).padStart(5)} calls ${(entry.flop / entry.ms / 1e6).toFixed(2).padStart(6)} GFLOP/s`);
}
