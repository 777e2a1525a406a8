import { join } from "node:path";

import { Xoshiro128 } from "@autosing/base";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";

// Gradients of every op are registered by the umbrella package (tfjs-core alone has none).
import "@tensorflow/tfjs";

import { AccumulationWindow } from "./accumulation-window.js";
import { AdamW, groupParameters } from "./adamw.js";
import { loadCheckpoint, newTrainerState, saveCheckpoint, saveModel, type TrainerState } from "./checkpoint.js";
import type { TrainableModel, TrainingDataset } from "./contract.js";
import { CheckpointError, TrainerConfigError } from "./errors.js";
import { type TrainHyperparameters, runSignature, validateHyperparameters } from "./hyperparameters.js";
import { openMetricsLog } from "./metrics-log.js";
import { ReplicaPool } from "./replicas/replica-pool.js";
import { type ReplicaSpec, validateReplicaCount } from "./replicas/spec.js";
import { EtaClock, type ProgressInfo } from "./progress.js";
import { type ScheduleOptions, validateSchedule } from "./schedule.js";
import { batchGradients, optimizerStep } from "./step-execution.js";
import { reportStep } from "./step-report.js";
import { StopRequest } from "./stop-request.js";
import { runValidation, validationDueAfter } from "./validation.js";

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
  /** A folder for a TensorBoard event file of the same metrics (`tensorboard --logdir` it); none when absent. */
  tensorboardDir?: string;
  /** Stops after the current optimizer step, saving a checkpoint (like SIGINT). */
  signal?: AbortSignal;
  /** Also stop on SIGINT/SIGTERM (the CLI sets this; tests use `signal`). */
  handleProcessSignals?: boolean;
  /** Stop (with a checkpoint, as on interrupt) after this many optimizer steps in total. */
  maxSteps?: number;
  /**
   * Data parallelism: `count` worker replicas each run a contiguous shard of every batch; their
   * gradients are averaged in replica order and one AdamW update is applied here. Absent or
   * `count` 1: the single-process path. The count is recorded in the checkpoint.
   */
  replicas?: ReplicaSpec<Batch>;
  /**
   * The run's shuffle buffer in samples (`--shufbuf` × 1024), as the datasets were opened with:
   * recorded in the checkpoint; a resume with another size is allowed and logs what changes.
   */
  runShuffleBufferSize?: number;
  log?: (line: string) => void;
  onProgress?: (info: ProgressInfo) => void;
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
    state = newTrainerState(Xoshiro128.fromSeed(h.seed).state(), run);
  }
  const rng = Xoshiro128.fromState(state.rng);
  const replicaCount = options.replicas?.count ?? 1;
  validateReplicaCount(replicaCount);
  if (options.resumeFrom && (state.replicas ?? 1) !== replicaCount) log(replicaChangeWarning(state.replicas ?? 1, replicaCount));
  state.replicas = replicaCount;
  if (options.runShuffleBufferSize !== undefined) {
    const recorded = state.runShuffleBufferSize;
    if (options.resumeFrom && recorded !== undefined && recorded !== options.runShuffleBufferSize) log(shuffleBufferChangeWarning(recorded, options.runShuffleBufferSize, state.epoch));
    state.runShuffleBufferSize = options.runShuffleBufferSize;
  }

  const result: TrainResult = { steps: state.step, skippedSteps: state.skippedSteps, interrupted: false, losses: [], validations: [] };
  const writeMetrics = await openMetricsLog(options.metricsPath, options.tensorboardDir);
  const stop = new StopRequest(options, log);
  stop.listen();
  const clock = new EtaClock(state.step);

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
    const summary = await runValidation(model, options.validation, h);
    if (!summary) return;
    const { loss, metrics } = summary;
    result.validations.push({ step: state.step, epoch, loss, metrics });
    await writeMetrics({ type: "validation", step: state.step, epoch, val_loss: loss, ...metrics });
    log(`validation at step ${state.step}: val_loss ${loss.toFixed(4)}${Object.entries(metrics).map(([k, v]) => ` ${k} ${v.toFixed(4)}`).join("")}`);
  };

  let pool: ReplicaPool<Batch> | undefined;
  // The open window's gradients, freed on the way out when the run stops mid-window (an error).
  let accumulation: AccumulationWindow | undefined;
  try {
    if (options.replicas && replicaCount > 1) {
      pool = await ReplicaPool.start(options.replicas, model, trainable);
      log(`training on ${replicaCount} replicas (worker threads), each on a contiguous shard of every batch`);
    }
    while (state.epoch < h.epochs) {
      const epoch = state.epoch;
      let batchIndex = state.batchInEpoch;
      const epochWindow = new AccumulationWindow();
      accumulation = epochWindow;

      // One optimizer step over the accumulated window (also for a short last window of an epoch).
      const stepWindow = async (): Promise<void> => {
        const gradients = epochWindow.takeGradients();
        if (!gradients) return;
        const meanLoss = epochWindow.meanLoss();
        const outcome = optimizerStep(gradients, meanLoss, state.step, { optimizer, schedule, lr0: h.lr0, clipGradientNorm: h.clipGradientNorm });
        if (outcome.skipped !== undefined) {
          state.skippedSteps++;
          result.skippedSteps = state.skippedSteps;
          log(`skipping step ${state.step + 1} (epoch ${epoch + 1}, batch ${batchIndex}): non-finite ${outcome.skipped}`);
          await writeMetrics({ type: "skipped", step: state.step, epoch, reason: outcome.skipped });
        } else {
          state.step++;
          result.losses.push(meanLoss);
        }
        state.batchInEpoch = batchIndex;
        state.samplesSeen += epochWindow.samples;
        const position = {
          epoch,
          epochs: h.epochs,
          batch: batchIndex,
          batchesPerEpoch,
          step: state.step,
          skippedSteps: state.skippedSteps,
          totalSteps: schedule.totalSteps,
          etaSeconds: clock.secondsLeft(state.step, schedule.totalSteps),
        };
        await reportStep(epochWindow, outcome, position, writeMetrics, options.onProgress);
        epochWindow.reset();
      };

      for await (const item of options.train.batches(epoch, batchIndex)) {
        if (batchIndex >= batchesPerEpoch) break;
        const pass = pool ? await pool.gradients(item.batch, rng, h.accumulateGradBatches) : batchGradients(model, item.batch, rng, variables, h.accumulateGradBatches);
        epochWindow.addBatch(pass, item, nameOfVariable, h.accumulateGradBatches);
        batchIndex++;

        const lastOfEpoch = batchIndex >= batchesPerEpoch;
        if (epochWindow.batches < h.accumulateGradBatches && !lastOfEpoch) continue;

        await stepWindow();

        if (validationDueAfter(h, state.step) && !lastOfEpoch) {
          await validate(epoch);
        }
        if (stop.requested(state.step) && !lastOfEpoch) {
          result.interrupted = true;
          await checkpoint(stop.reason());
          return finish();
        }
      }
      if (epochWindow.pending) {
        // The epoch ended early (the dataset skipped rows): step on what was accumulated, as at an epoch end.
        log(`epoch ${epoch + 1} ended after ${batchIndex} of ${batchesPerEpoch} batches`);
        await stepWindow();
      }

      state.epoch = epoch + 1;
      state.batchInEpoch = 0;
      await validate(epoch);
      await checkpoint(`end of epoch ${epoch + 1}`);
      if (stop.requested(state.step) && state.epoch < h.epochs) {
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
    accumulation?.dispose();
    stop.release();
    optimizer.dispose();
    await pool?.close();
  }

  function finish(): TrainResult {
    result.steps = state.step;
    result.skippedSteps = state.skippedSteps;
    return result;
  }
}

/** What changes when a run resumes with another replica count than its checkpoint's. */
function replicaChangeWarning(before: number, now: number): string {
  return (
    `note: the checkpoint was written with ${before} replica(s), this run uses ${now}: the data order, the schedule and the optimizer state ` +
    `continue exactly, but from here gradients are averaged over ${now} shard(s) (float rounding differs) and dropout seeds are drawn per shard, ` +
    `so the losses will not match a run that kept ${before}; resume with --replicas ${before} to reproduce it`
  );
}

/** What changes when a run resumes with another run shuffle buffer than its checkpoint's. */
function shuffleBufferChangeWarning(before: number, now: number, epoch: number): string {
  const units = (samples: number) => `${samples} samples${samples % 1024 === 0 ? ` (--shufbuf ${samples / 1024})` : ""}`;
  return (
    `note: the checkpoint was written with a run shuffle buffer of ${units(before)}, this run uses ${units(now)}: the schedule and the optimizer state ` +
    `continue exactly, but the batches of epoch ${epoch + 1} onwards come in another order, so the rest of epoch ${epoch + 1} may repeat or miss ` +
    `samples trained on before the checkpoint and the losses will not match a run that kept it; resume with the same --shufbuf to reproduce it`
  );
}
