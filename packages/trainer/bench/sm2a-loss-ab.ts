/**
 * What sm2a's memory-efficient loss costs in time: one forward+backward of sm2a tiny on wasm with
 * `memoryEfficient` on (checkpointed decoder layers, fused head loss) and off (plain graph),
 * interleaved A B A B … in one process, medians. `--steps=N` acoustic steps (default 320, a
 * multiscale window; the plain graph exhausts the wasm heap on full 1280-step rows), batch 1.
 */
import { Xoshiro128 } from "@autosing/base";
import { DEFAULT_SM2A_TUNABLES, SM2ATfModel, sm2aConfigForSize } from "@autosing/sm2a-model";
import * as tf from "@tensorflow/tfjs-core";

import { selectBackend } from "../src/index.js";
import { median } from "./measure.js";

const STEPS = Number(process.argv.find((a) => a.startsWith("--steps="))?.slice("--steps=".length) ?? 320);
const ROUNDS = 3;

await selectBackend({ only: ["wasm"] });
const config = sm2aConfigForSize("tiny", { ctx_n: STEPS, stoks_len: 375, mtoks_len: 320, spk_width: 256 });
const model = new SM2ATfModel(config, { ...DEFAULT_SM2A_TUNABLES }, { seed: 0 });
const rng = Xoshiro128.fromSeed(1);
const ints = (n: number, max: number) => Int32Array.from({ length: n }, () => rng.nextInt(max));
const batch = {
  stoks: tf.tensor2d(ints(375, 2048), [1, 375], "int32"),
  atoks: tf.tensor3d(ints(8 * STEPS, 4096), [1, 8, STEPS], "int32"),
  mtoks: tf.tensor3d(ints(8 * 320, 4096), [1, 8, 320], "int32"),
  speakers: tf.tensor2d(Float32Array.from({ length: 256 }, () => rng.nextFloat() - 0.5), [1, 256]),
};
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
