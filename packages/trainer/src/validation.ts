import * as tf from "@tensorflow/tfjs-core";

import { Xoshiro128 } from "@autosing/base";
import { withMemoryDiagnosis } from "./backend-failure.js";
import type { TrainableModel, TrainingDataset } from "./contract.js";
import type { TrainHyperparameters } from "./hyperparameters.js";
import { asLossResult, scalarValue } from "./loss-result.js";

/** A validation pass: the loss and each metric, averaged over samples. */
export interface ValidationSummary {
  loss: number;
  metrics: Record<string, number>;
}

/** Whether validation runs after optimizer step `step` (besides each epoch end): every `validateEveryNSteps`. */
export function validationDueAfter(h: Pick<TrainHyperparameters, "validateEveryNSteps">, step: number): boolean {
  return Boolean(h.validateEveryNSteps && step > 0 && step % h.validateEveryNSteps === 0);
}

/**
 * One pass over the validation set with dropout off: the loss and metrics of each batch weighted
 * by its samples. Its rng is seeded anew from the run's seed each time, so every pass sees the
 * same draws. Undefined when the set yields no samples.
 */
export async function runValidation<Batch>(
  model: TrainableModel<Batch>,
  validation: TrainingDataset<Batch>,
  h: Pick<TrainHyperparameters, "seed">,
): Promise<ValidationSummary | undefined> {
  const validationRng = Xoshiro128.fromSeed(h.seed + 1);
  let samples = 0;
  let lossSum = 0;
  const metricSums: Record<string, number> = {};
  for await (const item of validation.batches(0, 0)) {
    const values = withMemoryDiagnosis("validation", () =>
      tf.tidy(() => {
        const out = asLossResult(model.loss(item.batch, { training: false, rng: validationRng }));
        const read: Record<string, number> = { loss: scalarValue(out.loss) };
        for (const [name, metric] of Object.entries(out.metrics ?? {})) read[name] = scalarValue(metric);
        return read;
      }),
    );
    samples += item.samples;
    for (const [name, value] of Object.entries(values)) {
      if (name === "loss") lossSum += value * item.samples;
      else metricSums[name] = (metricSums[name] ?? 0) + value * item.samples;
    }
  }
  if (samples === 0) return undefined;
  const metrics = Object.fromEntries(Object.entries(metricSums).map(([k, v]) => [k, v / samples]));
  const loss = lossSum / samples;
  return { loss, metrics };
}
