/**
 * What sm2a's memory-efficient loss costs in time: one forward+backward of sm2a tiny on wasm with
 * `memoryEfficient` on (checkpointed decoder layers, fused head loss) and off (plain graph),
 * interleaved A B A B … in one process, medians. `--steps=N` acoustic steps (default 320, a
 * multiscale window; the plain graph exhausts the wasm heap on full 1280-step rows), batch 1.
 */
import * as tf from "@tensorflow/tfjs-core";

import { selectBackend } from "../src/index.js";
import { sm2aRandomRow } from "./sm2a-random-row.js";
import { median } from "./measure.js";

const STEPS = Number(process.argv.find((a) => a.startsWith("--steps="))?.slice("--steps=".length) ?? 320);
const ROUNDS = 3;

await selectBackend({ only: ["wasm"] });
const { model, batch } = sm2aRandomRow(STEPS);
const variables = model.variables.map((v) => v.variable);
const times: Record<string, number[]> = { efficient: [], plain: [] };
const losses: Record<string, number> = {};
console.log(`sm2a tiny loss A/B on wasm: ${STEPS} acoustic steps, batch 1, ${ROUNDS} interleaved rounds`);
for (let round = 0; round <= ROUNDS; round++) {
  for (const variant of ["efficient", "plain"] as const) {
    const start = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true, memoryEfficient: variant === "efficient" }).loss, variables);
    losses[variant] = value.dataSync()[0] as number;
    for (const g of Object.values(grads)) g.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
    // Round 0 warms up (kernel setup, heap growth).
    if (round > 0) times[variant]?.push(performance.now() - start);
  }
}
for (const [variant, list] of Object.entries(times)) {
  console.log(`  ${variant.padEnd(9)} forward+backward median ${median(list).toFixed(0)} ms (${list.map((t) => t.toFixed(0)).join(", ")}), loss ${losses[variant]?.toFixed(6)}`);
}
const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length;
console.log(`  wasm heap peak ${(heap / 2 ** 20).toFixed(0)} MiB (both variants), RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
