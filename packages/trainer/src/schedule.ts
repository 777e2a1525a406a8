import { TrainerConfigError } from "./errors.js";

/** The upstream schedules (autosing/train.py: configure_optimizers). */
export const LR_SCHEDULES = ["cosine", "linear", "wsd", "const"] as const;
export type LrScheduleName = (typeof LR_SCHEDULES)[number];

export interface ScheduleOptions {
  schedule: LrScheduleName;
  /** Optimizer steps in the whole run (epochs × ceil(batches per epoch / accumulation)). */
  totalSteps: number;
  warmupSteps: number;
}

/** What the schedule says for one optimizer step. */
export interface SchedulePoint {
  /** Multiplier on each parameter group's base lr (lr0 × lrScale). */
  lrFactor: number;
  /** Adam β1 for this step; OneCycleLR cycles it between 0.95 and 0.85, the others keep 0.9. */
  beta1: number;
}

export const DEFAULT_BETA1 = 0.9;
export const DEFAULT_BETA2 = 0.95;

/** torch.optim.lr_scheduler.OneCycleLR defaults that upstream leaves as they are. */
const ONE_CYCLE_DIV_FACTOR = 25;
const ONE_CYCLE_FINAL_DIV_FACTOR = 25;
const ONE_CYCLE_BASE_MOMENTUM = 0.85;
const ONE_CYCLE_MAX_MOMENTUM = 0.95;

function cosineAnneal(start: number, end: number, pct: number): number {
  return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
}

/** `pct_start` as upstream computes it: min(0.3, warmup / total). */
export function oneCyclePctStart(warmupSteps: number, totalSteps: number): number {
  return Math.min(0.3, warmupSteps / totalSteps);
}

/**
 * Port of torch.optim.lr_scheduler.OneCycleLR.get_lr (two phases, cosine annealing,
 * cycle_momentum on Adam's β1) as a factor of max_lr. Throws past the last step like torch.
 */
export function oneCycle(step: number, totalSteps: number, pctStart: number): SchedulePoint {
  if (step > totalSteps) {
    throw new TrainerConfigError("step", step, `OneCycleLR was asked for step ${step} of ${totalSteps}`);
  }
  const initial = 1 / ONE_CYCLE_DIV_FACTOR;
  const minimum = initial / ONE_CYCLE_FINAL_DIV_FACTOR;
  const phases = [
    { end: pctStart * totalSteps - 1, lr: [initial, 1], momentum: [ONE_CYCLE_MAX_MOMENTUM, ONE_CYCLE_BASE_MOMENTUM] },
    { end: totalSteps - 1, lr: [1, minimum], momentum: [ONE_CYCLE_BASE_MOMENTUM, ONE_CYCLE_MAX_MOMENTUM] },
  ] as const;
  let startStep = 0;
  for (let i = 0; i < phases.length; i++) {
    const phase = phases[i] as (typeof phases)[number];
    if (step <= phase.end || i === phases.length - 1) {
      const pct = (step - startStep) / (phase.end - startStep);
      return {
        lrFactor: cosineAnneal(phase.lr[0], phase.lr[1], pct),
        beta1: cosineAnneal(phase.momentum[0], phase.momentum[1], pct),
      };
    }
    startStep = phase.end;
  }
  /* c8 ignore next */
  throw new Error("unreachable");
}

/** torch LinearLR's closed form: the factor after `step` of `totalIters` steps. */
function linearFactor(start: number, end: number, totalIters: number, step: number): number {
  if (totalIters <= 0) return end;
  return start + ((end - start) * Math.min(step, totalIters)) / totalIters;
}

/**
 * The lr factor and β1 for optimizer step `step` (0-based: the value used by the step-th
 * update), matching upstream's torch schedulers stepped once per optimizer step.
 */
export function scheduleAt(options: ScheduleOptions, step: number): SchedulePoint {
  const { schedule, totalSteps, warmupSteps } = options;
  switch (schedule) {
    case "cosine":
      return oneCycle(step, totalSteps, oneCyclePctStart(warmupSteps, totalSteps));
    case "linear":
      // SequentialLR([LinearLR(1e-3 → 1, warmup), LinearLR(1 → 1/25, total − warmup)], [warmup]).
      if (step < warmupSteps) return { lrFactor: linearFactor(1e-3, 1, warmupSteps, step), beta1: DEFAULT_BETA1 };
      return {
        lrFactor: linearFactor(1, 1 / 25, totalSteps - warmupSteps, step - warmupSteps),
        beta1: DEFAULT_BETA1,
      };
    case "wsd": {
      // SequentialLR([LinearLR(1e-3 → 1, warmup), MultiStepLR([total − warmup − 0.1·total], 1/8)], [warmup]).
      if (step < warmupSteps) return { lrFactor: linearFactor(1e-3, 1, warmupSteps, step), beta1: DEFAULT_BETA1 };
      const milestone = Math.trunc(totalSteps - warmupSteps - 0.1 * totalSteps);
      return { lrFactor: step - warmupSteps >= milestone ? 1 / 8 : 1, beta1: DEFAULT_BETA1 };
    }
    case "const":
      return { lrFactor: 1, beta1: DEFAULT_BETA1 };
  }
}

/** Checks schedule options before a run starts, so a bad flag fails before any work. */
export function validateSchedule(options: ScheduleOptions): void {
  if (!LR_SCHEDULES.includes(options.schedule)) {
    throw new TrainerConfigError("lr schedule", options.schedule, `expected one of ${LR_SCHEDULES.join(", ")}`);
  }
  if (!Number.isInteger(options.totalSteps) || options.totalSteps < 1) {
    throw new TrainerConfigError("total steps", options.totalSteps, "must be a positive integer");
  }
  if (!Number.isInteger(options.warmupSteps) || options.warmupSteps < 0) {
    throw new TrainerConfigError("warmup steps", options.warmupSteps, "must be a non-negative integer");
  }
  if (options.schedule === "cosine" && oneCyclePctStart(options.warmupSteps, options.totalSteps) * options.totalSteps - 1 === 0) {
    // torch's OneCycleLR divides 0 by 0 here (ZeroDivisionError); refuse it before training.
    throw new TrainerConfigError(
      "warmup steps",
      options.warmupSteps,
      `gives the one-cycle schedule a warm-up phase ending at step 0 of ${options.totalSteps} (torch's OneCycleLR divides by zero there); use 0 or at least 2`,
    );
  }
}
