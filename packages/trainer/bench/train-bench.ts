/**
 * Training throughput per available tfjs backend on a small causal LM: samples/s and tokens/s
 * through `train()`, and one optimizer step split into forward, backward and update. The real
 * t2s and sm2a models at size tiny are in `models-bench.ts` (`npm run bench` runs both).
 *
 * Anchor: docs/architecture.md measured fp32 matmul at about 0.5 GFLOP/s on the tfjs cpu
 * backend and 1.9 GFLOP/s on wasm on these 2-core machines; the achieved training GFLOP/s
 * (≈ 6 × matmul parameters × tokens per step) is printed next to that.
 */
import { TF_BACKEND_PREFERENCE, type TfBackendChoice } from "@autosing/nn";

import { InMemoryDataset, selectBackend } from "../src/index.js";
import { TinyLm, collateTokens, countingSequences } from "../test/fixtures/tiny-lm.js";
import { measureStep, measureTraining } from "./measure.js";

const VOCAB = 512;
const WIDTH = 128;
const HIDDEN = 512;
const LENGTH = 64;
const BATCH = 16;
const STEPS = 6;
/** The cpu backend is ~50× slower than wasm: fewer steps keep the bench under two minutes. */
const CPU_STEPS = 2;
const ANCHOR_GFLOPS: Record<string, number> = { cpu: 0.5, wasm: 1.9 };

async function benchBackend(backend: TfBackendChoice): Promise<void> {
  let selected;
  try {
    selected = await selectBackend({ only: [backend] });
  } catch {
    console.log(`${backend.padEnd(14)} not available`);
    return;
  }
  const model = new TinyLm(VOCAB, WIDTH, HIDDEN, 1, 0);
  const steps = selected.backend === "cpu" ? CPU_STEPS : STEPS;
  const reps = selected.backend === "cpu" ? 2 : 4;
  const samples = countingSequences(BATCH * steps, LENGTH, VOCAB, 3);
  const dataset = new InMemoryDataset({ samples, batchSize: BATCH, collate: collateTokens, shuffle: true, seed: 1, tokensPerSample: () => LENGTH });
  const batch = collateTokens(samples.slice(0, BATCH));
  const step = measureStep(model, batch, reps);
  const result = await measureTraining(model, dataset);
  const { seconds } = result;
  const matmulParameters = WIDTH * HIDDEN + HIDDEN * VOCAB;
  const gflops = (6 * matmulParameters * BATCH * LENGTH * result.steps) / seconds / 1e9;
  const anchor = ANCHOR_GFLOPS[selected.backend];
  console.log(
    `${selected.backend.padEnd(14)} ${((result.steps * BATCH) / seconds).toFixed(1).padStart(7)} samples/s ${((result.steps * BATCH * LENGTH) / seconds).toFixed(0).padStart(7)} tokens/s | ` +
      `step: forward ${step.forwardMs.toFixed(0)} ms, backward ${step.backwardMs.toFixed(0)} ms, update ${step.updateMs.toFixed(0)} ms | ` +
      `${gflops.toFixed(2)} GFLOP/s${anchor ? ` (anchor: fp32 matmul ${anchor} GFLOP/s on ${selected.backend})` : ""}`,
  );
  model.dispose();
}

console.log(`trainer bench: causal LM vocab ${VOCAB}, width ${WIDTH}, hidden ${HIDDEN}, batch ${BATCH} × ${LENGTH} tokens, ${STEPS} steps (cpu: ${CPU_STEPS})`);
for (const backend of TF_BACKEND_PREFERENCE) await benchBackend(backend);
