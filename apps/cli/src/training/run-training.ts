/**
 * One training run of a task from the table: the tfjs backend, the task's options read by its
 * schemas, the model and datasets, the loop with checkpoints and progress. `autosing train`
 * calls it with the options of its flags, `autosing demo` with typed options; both get the
 * typed summary back.
 */
import { stat } from "node:fs/promises";
import { dirname, join } from "node:path";

import { type TfBackendChoice, describeTfBackend } from "@autosing/nn";
import { type JsonValue, type LrScheduleName, ProgressBar, selectBackend, train } from "@autosing/trainer";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import { asUserError } from "../shared/user-errors.js";
import { readFlagObject } from "./json-flags.js";
import { replicaModelModule } from "./replica-model.js";
import { type ModelOf, type TRAINING_TASKS, type TaskName, trainingTask } from "./registry.js";
import type { PreparedTask, TrainingTask } from "./task.js";

type TaskOf<Name extends TaskName> = (typeof TRAINING_TASKS)[ModelOf<Name>];

/** A task's options as its schemas read them (they transform nothing, so this is also what a request gives). */
type OptionsOf<Name extends TaskName> =
  TaskOf<Name> extends TrainingTask<infer TaskArgs, infer DatasetConfig, infer Tunables, infer _Batch>
    ? { taskArgs: TaskArgs; datasetConfig: DatasetConfig; tunables: Partial<Tunables> }
    : never;

/** What a request gives for a task's `--task_args`, `--dataset-config` and `--tunables`. */
export type TaskArgsInput<Name extends TaskName> = OptionsOf<Name>["taskArgs"];
export type DatasetConfigInput<Name extends TaskName> = OptionsOf<Name>["datasetConfig"];
export type TunablesInput<Name extends TaskName> = OptionsOf<Name>["tunables"];

/** The run settings that are not the task's own, with `autosing train`'s defaults (its flags show them). */
export const TRAINING_DEFAULTS = {
  seed: 0,
  batchSize: 16,
  epochs: 5,
  lrSchedule: "cosine",
  accumulateGradBatches: 1,
  checkpointDir: "./checkpoints/",
  outputDir: "./models/",
  // upstream train.py validates once per epoch (its val_check_interval is commented out).
  validateEveryNSteps: 0,
  // upstream train.py `--shufbuf 64`: the run's shuffle buffer holds 64 × 1024 samples.
  shufbuf: 64,
  allowMissingText: false,
  backend: "auto",
  replicas: 1,
} as const satisfies Partial<TrainingRequest>;

/** A training run: the task and its options (read by the task's schemas), and the loop's settings (`autosing train`'s flags). */
export interface TrainingRequest<Name extends TaskName = TaskName> {
  task: Name;
  taskArgs?: TaskArgsInput<Name>;
  datasetConfig: DatasetConfigInput<Name>;
  tunables?: TunablesInput<Name>;
  seed?: number;
  batchSize?: number;
  epochs?: number;
  lrSchedule?: LrScheduleName;
  /** Used when the task's Tunables have no clip_gradient_norm (upstream: a Tunables value wins). */
  clipGradientNorm?: number;
  accumulateGradBatches?: number;
  checkpointDir?: string;
  /** The final model goes to `<outputDir>/<task>/`. */
  outputDir?: string;
  /** Also validate every N optimizer steps (0, the default: once per epoch, as upstream). */
  validateEveryNSteps?: number;
  /** The run's shuffle buffer in units of 1024 samples (upstream `--shufbuf`, default 64). */
  shufbuf?: number;
  /** t2s: train even when most rows would train on the placeholder text. */
  allowMissingText?: boolean;
  /** Continue a run exactly from a checkpoint directory. */
  resumeFrom?: string;
  /** Start from a saved model's weights: its directory or its model.safetensors. */
  loadFrom?: string;
  backend?: "auto" | TfBackendChoice;
  /** Data-parallel replicas (worker threads), each on a contiguous shard of every batch; 1: one process, as before. */
  replicas?: number;
}

/** What a finished run reports (`autosing train` prints it as JSON). */
export interface TrainingSummary {
  task: TaskName;
  steps: number;
  skippedSteps: number;
  finalLoss: number | null;
  valLoss: number | null;
  /** The saved model directory. */
  model: string | null;
  /** t2s: the training samples of this run by text source (upstream trains the ones without text on a placeholder). */
  textSources?: { alignment: number; text: number; placeholder: number; missingAlignment: number; lowInlierRatio: number };
}

/** A task of the table with its types erased, as the run drives it. */
type AnyTrainingTask = TrainingTask<unknown, unknown, object, unknown>;

/** Reads the task's options (taskArgs, then the dataset config, then the tunables) and prepares the model and datasets. */
async function prepareTask(task: AnyTrainingTask, request: TrainingRequest, context: Parameters<AnyTrainingTask["prepare"]>[1]): Promise<PreparedTask<unknown>> {
  const taskArgs = readFlagObject("--task_args", task.schemas.taskArgs, request.taskArgs ?? {});
  const datasetConfig = readFlagObject("--dataset-config", task.schemas.datasetConfig, request.datasetConfig);
  const tunables = { ...task.defaultTunables, ...readFlagObject("--tunables", task.schemas.tunables, request.tunables ?? {}) };
  return task.prepare({ taskArgs, datasetConfig, tunables }, context);
}

/**
 * Trains `request.task`; detail (the backend, the loop's log lines, the progress bar) goes to
 * `stderr`. Library failures become one-line `autosing train: …` errors; an interrupted run
 * fails with exit code 130 and says how to resume.
 */
export async function runTraining<Name extends TaskName>(request: TrainingRequest<Name>, stderr: (text: string) => void): Promise<TrainingSummary> {
  // A setting given as undefined keeps its default.
  const given = Object.fromEntries(Object.entries(request).filter(([, value]) => value !== undefined)) as TrainingRequest<Name>;
  const settings = { ...TRAINING_DEFAULTS, ...given };
  if (settings.resumeFrom && settings.loadFrom) throw new CliError("autosing train: give --resume-from or --load-from, not both");
  // Cheap, so before the backend and the dataset: a mistyped checkpoint path is the first thing to hear about.
  if (settings.resumeFrom) await requireExistingPath("--resume-from", settings.resumeFrom);
  const log = (line: string) => stderr(`${line}\n`);
  try {
    const backend = await selectBackend(settings.backend === "auto" ? {} : { only: [settings.backend] });
    stderr(`${describeTfBackend(backend)}\n`);
    const prepared = await prepareTask(trainingTask(request.task) as AnyTrainingTask, request, {
      seed: settings.seed,
      batchSize: settings.batchSize,
      // 0 turns the run's buffer off (a buffer of one sample passes samples through).
      runShuffleBufferSize: Math.max(1, settings.shufbuf * 1024),
      allowMissingText: settings.allowMissingText,
      // A model directory, or its model.safetensors.
      ...(settings.loadFrom ? { loadFrom: settings.loadFrom.endsWith(".safetensors") ? dirname(settings.loadFrom) : settings.loadFrom } : {}),
      log,
    });
    const replicas = prepared.replicas;
    if (settings.replicas > 1 && !replicas) {
      prepared.model.dispose();
      throw new CliError(`autosing train: --replicas ${settings.replicas} is not supported for ${request.task} yet; train it with --replicas 1`, ExitCode.usage);
    }
    const outputDir = join(settings.outputDir, request.task);
    const progress = new ProgressBar(stderr, { interactive: process.stderr.isTTY === true });
    try {
      const result = await train({
        model: prepared.model,
        train: prepared.train,
        validation: prepared.validation,
        hyperparameters: {
          lr0: prepared.tunables.lr0,
          weightDecay: prepared.tunables.weight_decay,
          warmupSteps: prepared.tunables.warmup_steps,
          // upstream: a value in the Tunables overrides the flag.
          clipGradientNorm: prepared.tunables.clip_gradient_norm ?? settings.clipGradientNorm ?? null,
          lrSchedule: settings.lrSchedule,
          epochs: settings.epochs,
          accumulateGradBatches: settings.accumulateGradBatches,
          seed: settings.seed,
          validateEveryNSteps: settings.validateEveryNSteps,
        },
        checkpointDir: settings.checkpointDir,
        outputDir,
        metricsPath: join(outputDir, "metrics.jsonl"),
        // TensorBoard curves beside the JSONL: `tensorboard --logdir <output-dir>` shows every task's run.
        tensorboardDir: outputDir,
        handleProcessSignals: true,
        runShuffleBufferSize: Math.max(1, settings.shufbuf * 1024),
        ...(replicas && settings.replicas > 1
          ? { replicas: { count: settings.replicas, module: replicaModelModule(), options: replicas.options as unknown as JsonValue, split: replicas.split } }
          : {}),
        ...(settings.resumeFrom ? { resumeFrom: settings.resumeFrom } : {}),
        log: (line) => {
          progress.finish();
          log(line);
        },
        onProgress: (info) => progress.update(info),
      });
      progress.finish();
      if (result.interrupted) {
        throw new CliError(`autosing train: interrupted at step ${result.steps}; continue with --resume-from ${result.checkpoint ?? "<checkpoint>"}`, ExitCode.interrupted);
      }
      const text = prepared.textSources;
      if (text && text.placeholder > 0) log(`t2s text: ${text.describe("training samples of this run")}`);
      return {
        task: request.task,
        steps: result.steps,
        skippedSteps: result.skippedSteps,
        finalLoss: result.losses.at(-1) ?? null,
        valLoss: result.validations.at(-1)?.loss ?? null,
        model: result.modelDir ?? null,
        ...(text
          ? { textSources: { alignment: text.alignment, text: text.text, placeholder: text.placeholder, missingAlignment: text.missingAlignment, lowInlierRatio: text.lowInlierRatio } }
          : {}),
      };
    } finally {
      prepared.model.dispose();
    }
  } catch (error) {
    throw asUserError("train", error);
  }
}

/** Fails with the file-system code, naming the flag, when `path` does not exist. */
async function requireExistingPath(flag: string, path: string): Promise<void> {
  try {
    await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new CliError(`autosing train: ${flag} ${path} does not exist`, ExitCode.fileSystem);
    throw error;
  }
}
