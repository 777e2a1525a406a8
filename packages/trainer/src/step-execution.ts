import * as tf from "@tensorflow/tfjs-core";
import type { NamedTensorMap, Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";

import type { AdamW } from "./adamw.js";
import { withMemoryDiagnosis } from "./backend-failure.js";
import { clipByGlobalNorm, globalNorm } from "./clip.js";
import type { TrainableModel } from "./contract.js";
import { asLossResult } from "./loss-result.js";
import type { Xoshiro128 } from "@autosing/base";
import { type ScheduleOptions, type SchedulePoint, scheduleAt } from "./schedule.js";

/** One batch's backward pass: its loss (already divided by the accumulation count), gradients, and kept metric scalars. */
export interface BatchGradients {
  value: Scalar;
  grads: NamedTensorMap;
  metrics: [string, Scalar][];
}

/**
 * Forward and backward pass of one training batch. The loss is divided by the accumulation
 * count before differentiation, as Lightning does, so the summed gradients of a window are
 * those of its mean loss. The caller frees `value`, `grads` and `metrics`.
 */
export function batchGradients<Batch>(model: TrainableModel<Batch>, batch: Batch, rng: Xoshiro128, variables: Variable[], accumulateGradBatches: number): BatchGradients {
  const metrics: [string, Scalar][] = [];
  const { value, grads } = withMemoryDiagnosis("training", () =>
    tf.variableGrads(() => {
      const out = asLossResult(model.loss(batch, { training: true, rng }));
      for (const [name, metric] of Object.entries(out.metrics ?? {})) metrics.push([name, tf.keep(metric)]);
      return tf.div(out.loss, accumulateGradBatches) as Scalar;
    }, variables),
  );
  return { value, grads, metrics };
}

/** What one optimizer step did: the schedule point and lr it ran at, the gradient norm, and why it was skipped if it was. */
export interface StepOutcome {
  point: SchedulePoint;
  lr: number;
  norm: number;
  /** Set when the non-finite guard skipped the step: `loss <value>` or `gradient norm <value>`. */
  skipped?: string;
}

/** The optimizer and the settings an optimizer step reads. */
export interface StepSettings {
  optimizer: AdamW;
  schedule: ScheduleOptions;
  lr0: number;
  clipGradientNorm?: number | null;
}

/**
 * One optimizer step at schedule position `step` over a window's summed gradients: clipped by
 * global norm when configured, then AdamW. A step whose mean loss or gradient norm is not finite
 * is skipped (the optimizer and the schedule do not move). The gradients are freed either way.
 */
export function optimizerStep(gradients: Map<string, Tensor>, meanLoss: number, step: number, settings: StepSettings): StepOutcome {
  const norm = globalNorm(gradients.values());
  const point = scheduleAt(settings.schedule, step);
  const lr = settings.lr0 * point.lrFactor;
  let skipped: string | undefined;
  if (!Number.isFinite(meanLoss) || !Number.isFinite(norm)) {
    skipped = !Number.isFinite(meanLoss) ? `loss ${meanLoss}` : `gradient norm ${norm}`;
  } else {
    if (settings.clipGradientNorm != null) gradients = clipByGlobalNorm(gradients, settings.clipGradientNorm, norm).gradients;
    settings.optimizer.step(gradients, point.lrFactor, point.beta1);
  }
  for (const gradient of gradients.values()) gradient.dispose();
  return skipped === undefined ? { point, lr, norm } : { point, lr, norm, skipped };
}
