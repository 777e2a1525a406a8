/**
 * Timing helpers shared by the trainer benches: one optimizer step split into forward,
 * backward and update, and a short `train()` run for samples/s.
 */
import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";

import { AdamW, groupParameters, train } from "../src/index.js";
import type { TrainableModel, TrainingDataset } from "../src/index.js";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

export interface StepTimes {
  forwardMs: number;
  backwardMs: number;
  updateMs: number;
}

function lossOf(result: ReturnType<TrainableModel<unknown>["loss"]>): tf.Scalar {
  return result instanceof tf.Tensor ? result : result.loss;
}

/** Medians over `reps` timed steps after one warm-up step (kernel compilation, wasm init). */
export function measureStep<Batch>(model: TrainableModel<Batch>, batch: Batch, reps: number): StepTimes {
  const rng = Xoshiro128.fromSeed(0);
  const variables = model.parameters.map((p) => p.variable);
  const optimizer = new AdamW(groupParameters(model.parameters, 1e-3, 0.1));
  const forward: number[] = [];
  const backward: number[] = [];
  const update: number[] = [];
  for (let rep = 0; rep <= reps; rep++) {
    let t0 = performance.now();
    tf.tidy(() => {
      lossOf(model.loss(batch, { training: true, rng })).dataSync();
    });
    const forwardMs = performance.now() - t0;
    t0 = performance.now();
    const { value, grads } = tf.variableGrads(() => lossOf(model.loss(batch, { training: true, rng })), variables);
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
  return { forwardMs: median(forward), backwardMs: median(backward), updateMs: median(update) };
}

/** Runs one epoch of `train()` over the dataset; returns optimizer steps and wall seconds. */
export async function measureTraining<Batch>(model: TrainableModel<Batch>, dataset: TrainingDataset<Batch>): Promise<{ steps: number; seconds: number }> {
  const start = performance.now();
  const result = await train({
    model,
    train: dataset,
    hyperparameters: { lr0: 1e-3, weightDecay: 0.1, warmupSteps: 2, lrSchedule: "cosine", epochs: 1, accumulateGradBatches: 1, seed: 0, clipGradientNorm: 1 },
  });
  return { steps: result.steps, seconds: (performance.now() - start) / 1000 };
}
