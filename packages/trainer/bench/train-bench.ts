/**
 * Training throughput per available tfjs backend on a small causal LM (the trainer is generic;
 * the t2s/sm2a models are benchmarked by their packages): samples/s and tokens/s through
 * `train()`, and one optimizer step split into forward, backward and update.
 *
 * Anchor: docs/architecture.md measured fp32 matmul at about 0.5 GFLOP/s on the tfjs cpu
 * backend and 1.9 GFLOP/s on wasm on these 2-core machines; the achieved training GFLOP/s
 * (≈ 6 × matmul parameters × tokens per step) is printed next to that.
 */
import * as tf from "@tensorflow/tfjs-core";

import { AdamW, BACKEND_PREFERENCE, InMemoryDataset, Rng, groupParameters, selectBackend, train } from "../src/index.js";
import { TinyLm, collateTokens, countingSequences } from "../test/fixtures/tiny-lm.js";

const VOCAB = 512;
const WIDTH = 128;
const HIDDEN = 512;
const LENGTH = 64;
const BATCH = 16;
const STEPS = 6;
/** The cpu backend is ~50× slower than wasm: fewer steps keep the bench under two minutes. */
const CPU_STEPS = 2;
const ANCHOR_GFLOPS: Record<string, number> = { cpu: 0.5, wasm: 1.9 };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function benchBackend(backend: (typeof BACKEND_PREFERENCE)[number]): Promise<void> {
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
  const rng = Rng.fromSeed(0);
  const variables = model.parameters.map((p) => p.variable);
  const optimizer = new AdamW(groupParameters(model.parameters, 1e-3, 0.1));

  // Warm-up (kernel compilation, wasm init), then timed repetitions of each phase.
  const forward: number[] = [];
  const backward: number[] = [];
  const update: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    let t0 = performance.now();
    tf.tidy(() => {
      const out = model.loss(batch, { training: true, rng });
      out.loss.dataSync();
    });
    const forwardMs = performance.now() - t0;
    t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => model.loss(batch, { training: true, rng }).loss, variables);
    for (const g of Object.values(grads)) g.dataSync();
    const forwardBackwardMs = performance.now() - t0;
    const byName = new Map(model.parameters.map((p) => [p.name, grads[p.variable.name] as tf.Tensor]));
    t0 = performance.now();
    optimizer.step(byName, 1);
    for (const v of variables) v.dataSync();
    const updateMs = performance.now() - t0;
    tf.dispose([value, ...Object.values(grads)]);
    if (rep === 0) continue;
    forward.push(forwardMs);
    backward.push(forwardBackwardMs - forwardMs);
    update.push(updateMs);
  }
  optimizer.dispose();

  const start = performance.now();
  const result = await train({
    model,
    train: dataset,
    hyperparameters: { lr0: 1e-3, weightDecay: 0.1, warmupSteps: 2, lrSchedule: "cosine", epochs: 1, accumulateGradBatches: 1, seed: 0, clipGradientNorm: 1 },
  });
  const seconds = (performance.now() - start) / 1000;
  const matmulParameters = WIDTH * HIDDEN + HIDDEN * VOCAB;
  const gflops = (6 * matmulParameters * BATCH * LENGTH * result.steps) / seconds / 1e9;
  const anchor = ANCHOR_GFLOPS[selected.backend];
  console.log(
    `${selected.backend.padEnd(14)} ${((result.steps * BATCH) / seconds).toFixed(1).padStart(7)} samples/s ${((result.steps * BATCH * LENGTH) / seconds).toFixed(0).padStart(7)} tokens/s | ` +
      `step: forward ${median(forward).toFixed(0)} ms, backward ${median(backward).toFixed(0)} ms, update ${median(update).toFixed(0)} ms | ` +
      `${gflops.toFixed(2)} GFLOP/s${anchor ? ` (anchor: fp32 matmul ${anchor} GFLOP/s on ${selected.backend})` : ""}`,
  );
  model.dispose();
}

console.log(`trainer bench: causal LM vocab ${VOCAB}, width ${WIDTH}, hidden ${HIDDEN}, batch ${BATCH} × ${LENGTH} tokens, ${STEPS} steps (cpu: ${CPU_STEPS})`);
for (const backend of BACKEND_PREFERENCE) await benchBackend(backend);
