import { appendFile, mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";

// The trainer's stream is the base's xoshiro128** (aliased so the loop reads as before).
import { Xoshiro128 as Rng } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";

// Gradients of every op are registered by the umbrella package (tfjs-core alone has none).
import "@tensorflow/tfjs";

import { AdamW, groupParameters } from "./adamw.js";
import { loadCheckpoint, newTrainerState, saveCheckpoint, saveModel, type TrainerState } from "./checkpoint.js";
import { clipByGlobalNorm, globalNorm } from "./clip.js";
import type { JsonObject, LossResult, TrainableModel, TrainingDataset } from "./contract.js";
import { withMemoryDiagnosis } from "./backend-failure.js";
import { CheckpointError, TrainerConfigError } from "./errors.js";
import type { ProgressInfo } from "./progress.js";
import { type LrScheduleName, type ScheduleOptions, scheduleAt, validateSchedule } from "./schedule.js";

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

export interface TrainOptions<Batch> {
  model: TrainableModel<Batch>;
  train: TrainingDataset<Batch>;
  validation?: TrainingDataset<Batch>;
  hyperparameters: TrainHyperparameters;
  /** Checkpoints go to `<checkpointDir>/epoch=<e>-step=<s>/` at each epoch end and on interrupt. */
  checkpointDir?: string;
  /** The final model (model.safetensors + config.json) goes here. */
  outputDir?: string;
  /** A checkpoint directory to continue from exactly. */
  resumeFrom?: string;
  /** Metrics, one JSON object per line (appended, so a resumed run continues the file). */
  metricsPath?: string;
  /** Stops after the current optimizer step, saving a checkpoint (like SIGINT). */
  signal?: AbortSignal;
  /** Also stop on SIGINT/SIGTERM (the CLI sets this; tests use `signal`). */
  handleProcessSignals?: boolean;
  /** Stop (with a checkpoint, as on interrupt) after this many optimizer steps in total. */
  maxSteps?: number;
  log?: (line: string) => void;
  onProgress?: (info: ProgressInfo) => void;
}

export interface MetricsRecord {
  type: "train" | "validation" | "skipped";
  step: number;
  epoch: number;
  [key: string]: number | string;
}

export interface TrainResult {
  /** Optimizer steps taken in total (including before a resume). */
  steps: number;
  skippedSteps: number;
  /** True when the run stopped early (signal, SIGINT/SIGTERM or maxSteps) with a checkpoint. */
  interrupted: boolean;
  /** Loss of each optimizer step taken by this call (mean over its accumulated batches). */
  losses: number[];
  validations: { step: number; epoch: number; loss: number; metrics: Record<string, number> }[];
  /** The last checkpoint written, if any. */
  checkpoint?: string;
  /** Where the final model went, if the run finished and outputDir was given. */
  modelDir?: string;
}

function validateHyperparameters(h: TrainHyperparameters): void {
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
function runSignature(h: TrainHyperparameters, totalSteps: number, batchesPerEpoch: number): JsonObject {
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

function asLossResult(out: LossResult | Scalar): LossResult {
  return out instanceof tf.Tensor ? { loss: out } : out;
}

/** Sync read of a scalar; every training step reads its loss anyway to guard against NaN. */
function scalarValue(tensor: Tensor): number {
  return tensor.dataSync()[0] as number;
}

/**
 * Port of autosing/train.py (TrainingTask + pl.Trainer): AdamW with parameter groups, the
 * upstream lr schedules stepped per optimizer step, gradient accumulation (each batch's loss
 * divided by the accumulation count, as Lightning does), clipping by global norm, validation
 * at epoch ends and every N steps, checkpoints at epoch ends and on interrupt. Deliberate
 * additions: a guard that skips a step whose loss or gradient norm is not finite (counted and
 * logged; the schedule does not advance), and exact resume from any step boundary.
 */
export async function train<Batch>(options: TrainOptions<Batch>): Promise<TrainResult> {
  const { model, hyperparameters: h } = options;
  const log = options.log ?? (() => {});
  validateHyperparameters(h);
  const batchesPerEpoch = options.train.batchesPerEpoch;
  if (!Number.isInteger(batchesPerEpoch) || batchesPerEpoch < 1) {
    throw new TrainerConfigError("batches per epoch", batchesPerEpoch, "the training set must yield at least one batch");
  }
  const stepsPerEpoch = Math.ceil(batchesPerEpoch / h.accumulateGradBatches);
  const schedule: ScheduleOptions = {
    schedule: h.lrSchedule,
    totalSteps: h.epochs * stepsPerEpoch,
    warmupSteps: h.warmupSteps,
  };
  validateSchedule(schedule);
  const run = runSignature(h, schedule.totalSteps, batchesPerEpoch);

  const frozen = () => model.frozenTensors?.() ?? new Map<string, Tensor>();
  const groups = groupParameters(model.parameters, h.lr0, h.weightDecay);
  const optimizer = new AdamW(groups);
  const trainable = groups.flatMap((g) => g.parameters);
  const nameOfVariable = new Map(trainable.map((p) => [p.variable.name, p.name]));
  const variables: Variable[] = trainable.map((p) => p.variable);

  let state: TrainerState;
  if (options.resumeFrom) {
    state = await loadCheckpoint(options.resumeFrom, model.parameters, optimizer, frozen());
    for (const [key, value] of Object.entries(run)) {
      if (JSON.stringify(state.run[key]) !== JSON.stringify(value)) {
        throw new CheckpointError(
          options.resumeFrom,
          `was written with ${key}=${JSON.stringify(state.run[key])}, this run has ${key}=${JSON.stringify(value)}; resume with the same settings`,
        );
      }
    }
    log(`resuming from ${options.resumeFrom} at epoch ${state.epoch + 1}, batch ${state.batchInEpoch}, step ${state.step}`);
  } else {
    state = newTrainerState(Rng.fromSeed(h.seed).state(), run);
  }
  const rng = Rng.fromState(state.rng);

  const result: TrainResult = { steps: state.step, skippedSteps: state.skippedSteps, interrupted: false, losses: [], validations: [] };
  if (options.metricsPath) await mkdir(dirname(options.metricsPath), { recursive: true });
  const writeMetrics = async (record: MetricsRecord) => {
    if (options.metricsPath) await appendFile(options.metricsPath, `${JSON.stringify(record)}\n`);
  };

  let stopReason: string | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    stopReason = signal;
    log(`${signal} received: finishing the current step and saving a checkpoint`);
  };
  if (options.handleProcessSignals) {
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  }

  const checkpoint = async (reason: string) => {
    if (!options.checkpointDir) return;
    state.rng = rng.state();
    const directory = join(options.checkpointDir, `epoch=${state.epoch}-step=${state.step}`);
    await saveCheckpoint(directory, model.parameters, model.config(), optimizer, state, frozen());
    result.checkpoint = directory;
    log(`checkpoint (${reason}) saved to ${directory}`);
  };

  const validate = async (epoch: number) => {
    if (!options.validation) return;
    const validationRng = Rng.fromSeed(h.seed + 1);
    let samples = 0;
    let lossSum = 0;
    const metricSums: Record<string, number> = {};
    for await (const item of options.validation.batches(0, 0)) {
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
    if (samples === 0) return;
    const metrics = Object.fromEntries(Object.entries(metricSums).map(([k, v]) => [k, v / samples]));
    const loss = lossSum / samples;
    result.validations.push({ step: state.step, epoch, loss, metrics });
    await writeMetrics({ type: "validation", step: state.step, epoch, val_loss: loss, ...metrics });
    log(`validation at step ${state.step}: val_loss ${loss.toFixed(4)}${Object.entries(metrics).map(([k, v]) => ` ${k} ${v.toFixed(4)}`).join("")}`);
  };

  const stopRequested = () =>
    stopReason !== undefined ||
    options.signal?.aborted === true ||
    (options.maxSteps !== undefined && state.step >= options.maxSteps);

  try {
    while (state.epoch < h.epochs) {
      const epoch = state.epoch;
      let batchIndex = state.batchInEpoch;
      let accumulated: Map<string, Tensor> | undefined;
      let windowBatches = 0;
      let windowLoss = 0;
      let windowSamples = 0;
      let windowTokens = 0;
      let windowStart = performance.now();
      let windowMetrics: Record<string, number> = {};

      // One optimizer step over the accumulated window (also for a short last window of an epoch).
      const stepWindow = async (): Promise<void> => {
        if (!accumulated) return;
        let gradients = accumulated;
        accumulated = undefined;
        const meanLoss = windowLoss / windowBatches;
        const norm = globalNorm(gradients.values());
        const point = scheduleAt(schedule, state.step);
        const lr = h.lr0 * point.lrFactor;
        if (!Number.isFinite(meanLoss) || !Number.isFinite(norm)) {
          state.skippedSteps++;
          result.skippedSteps = state.skippedSteps;
          const reason = !Number.isFinite(meanLoss) ? `loss ${meanLoss}` : `gradient norm ${norm}`;
          log(`skipping step ${state.step + 1} (epoch ${epoch + 1}, batch ${batchIndex}): non-finite ${reason}`);
          await writeMetrics({ type: "skipped", step: state.step, epoch, reason });
        } else {
          if (h.clipGradientNorm != null) gradients = clipByGlobalNorm(gradients, h.clipGradientNorm, norm).gradients;
          optimizer.step(gradients, point.lrFactor, point.beta1);
          state.step++;
          result.losses.push(meanLoss);
        }
        for (const gradient of gradients.values()) gradient.dispose();
        state.batchInEpoch = batchIndex;
        state.samplesSeen += windowSamples;
        const seconds = Math.max(1e-9, (performance.now() - windowStart) / 1000);
        const metricsAverages = Object.fromEntries(Object.entries(windowMetrics).map(([k, v]) => [k, v / windowBatches]));
        await writeMetrics({
          type: "train",
          step: state.step,
          epoch,
          batch: batchIndex,
          loss: meanLoss,
          lr,
          beta1: point.beta1,
          grad_norm: norm,
          samples_per_second: windowSamples / seconds,
          ...(windowTokens ? { tokens_per_second: windowTokens / seconds } : {}),
          ...metricsAverages,
        });
        options.onProgress?.({
          epoch,
          epochs: h.epochs,
          batch: batchIndex,
          batchesPerEpoch,
          step: state.step,
          totalSteps: schedule.totalSteps,
          loss: meanLoss,
          lr,
          samplesPerSecond: windowSamples / seconds,
          ...(windowTokens ? { tokensPerSecond: windowTokens / seconds } : {}),
          skippedSteps: state.skippedSteps,
        });
        windowBatches = 0;
        windowLoss = 0;
        windowSamples = 0;
        windowTokens = 0;
        windowMetrics = Object.fromEntries(Object.keys(windowMetrics).map((k) => [k, 0]));
        windowStart = performance.now();
      };

      for await (const item of options.train.batches(epoch, batchIndex)) {
        if (batchIndex >= batchesPerEpoch) break;
        const kept: [string, Scalar][] = [];
        const { value, grads } = withMemoryDiagnosis("training", () =>
          tf.variableGrads(() => {
            const out = asLossResult(model.loss(item.batch, { training: true, rng }));
            for (const [name, metric] of Object.entries(out.metrics ?? {})) kept.push([name, tf.keep(metric)]);
            return tf.div(out.loss, h.accumulateGradBatches) as Scalar;
          }, variables),
        );
        for (const [name, metric] of kept) {
          windowMetrics[name] = (windowMetrics[name] ?? 0) + scalarValue(metric);
          metric.dispose();
        }
        windowLoss += scalarValue(value) * h.accumulateGradBatches;
        value.dispose();
        const previous = accumulated;
        accumulated = new Map();
        for (const [variableName, gradient] of Object.entries(grads)) {
          const name = nameOfVariable.get(variableName) ?? variableName;
          const before = previous?.get(name);
          if (before) {
            accumulated.set(name, tf.add(before, gradient));
            before.dispose();
            gradient.dispose();
          } else accumulated.set(name, gradient);
        }
        for (const [name, leftover] of previous ?? []) if (!accumulated.has(name)) accumulated.set(name, leftover);
        windowBatches++;
        windowSamples += item.samples;
        windowTokens += item.tokens ?? 0;
        batchIndex++;

        const lastOfEpoch = batchIndex >= batchesPerEpoch;
        if (windowBatches < h.accumulateGradBatches && !lastOfEpoch) continue;

        await stepWindow();

        if (h.validateEveryNSteps && state.step > 0 && state.step % h.validateEveryNSteps === 0 && !lastOfEpoch) {
          await validate(epoch);
        }
        if (stopRequested() && !lastOfEpoch) {
          result.interrupted = true;
          await checkpoint(stopReason ?? (options.signal?.aborted ? "abort" : "max steps"));
          return finish();
        }
      }
      if (accumulated) {
        // The epoch ended early (the dataset skipped rows): step on what was accumulated, as at an epoch end.
        log(`epoch ${epoch + 1} ended after ${batchIndex} of ${batchesPerEpoch} batches`);
        await stepWindow();
      }

      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      await validate(epoch);
      await checkpoint(`end of epoch ${epoch + 1}`);
      if (stopRequested() && state.epoch < h.epochs) {
        result.interrupted = true;
        return finish();
      }
    }
    if (options.outputDir) {
      await saveModel(options.outputDir, model.parameters, model.config(), frozen());
      result.modelDir = options.outputDir;
      log(`model saved to ${options.outputDir}`);
    }
    return finish();
  } finally {
    if (options.handleProcessSignals) {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    optimizer.dispose();
  }

  function finish(): TrainResult {
    result.steps = state.step;
    result.skippedSteps = state.skippedSteps;
    return result;
  }
}
