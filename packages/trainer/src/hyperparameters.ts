import type { JsonObject } from "./contract.js";
import { TrainerConfigError } from "./errors.js";
import type { LrScheduleName } from "./schedule.js";

/** The knobs upstream takes from train.py's flags and the task's Tunables. */
export interface TrainHyperparameters {
  lr0: number;
  weightDecay: number;
  warmupSteps: number;
  /** Max global gradient norm; null/undefined disables clipping (upstream default). */
  clipGradientNorm?: number | null;
  lrSchedule: LrScheduleName;
  epochs: number;
  accumulateGradBatches: number;
  seed: number;
  /** Validate every N optimizer steps (besides each epoch end); 0/undefined: epoch ends only. */
  validateEveryNSteps?: number;
}

/** Throws TrainerConfigError (with upstream's flag name) for a value the loop cannot run with. */
export function validateHyperparameters(h: TrainHyperparameters): void {
  const positiveInt = (field: string, value: number) => {
    if (!Number.isInteger(value) || value < 1) throw new TrainerConfigError(field, value, "must be a positive integer");
  };
  positiveInt("epochs", h.epochs);
  positiveInt("accumulate_grad_batches", h.accumulateGradBatches);
  if (!Number.isSafeInteger(h.seed)) throw new TrainerConfigError("seed", h.seed, "must be an integer");
  if (h.clipGradientNorm != null && !(h.clipGradientNorm > 0)) {
    throw new TrainerConfigError("clip_gradient_norm", h.clipGradientNorm, "must be a positive number or null");
  }
  if (h.validateEveryNSteps != null && (!Number.isInteger(h.validateEveryNSteps) || h.validateEveryNSteps < 0)) {
    throw new TrainerConfigError("validate_every_n_steps", h.validateEveryNSteps, "must be a non-negative integer");
  }
}

/** The run settings a checkpoint records; resuming with other values would not continue the same run. */
export function runSignature(h: TrainHyperparameters, totalSteps: number, batchesPerEpoch: number): JsonObject {
  return {
    lr0: h.lr0,
    weightDecay: h.weightDecay,
    warmupSteps: h.warmupSteps,
    clipGradientNorm: h.clipGradientNorm ?? null,
    lrSchedule: h.lrSchedule,
    epochs: h.epochs,
    accumulateGradBatches: h.accumulateGradBatches,
    seed: h.seed,
    totalSteps,
    batchesPerEpoch,
  };
}
