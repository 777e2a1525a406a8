import { availableParallelism } from "node:os";

import { TF_BACKEND_PREFERENCE, type TfBackendChoice } from "@autosing/nn";
import { LR_SCHEDULES, type LrScheduleName } from "@autosing/trainer";
import { type Command, Option } from "commander";
import { z } from "zod";

import type { CliIo } from "../io.js";
import { FlagError } from "../shared/flag-error.js";
import { type NumberRule, integerAtLeast, numberRule, parseNumberFlag } from "../shared/number-flags.js";
import { parseJsonFlag } from "../training/json-flags.js";
import { withModelsDirectoryArgs } from "../training/models-args.js";
import { TASK_NAMES, isTaskName } from "../training/registry.js";
import { TRAINING_DEFAULTS, type TrainingRequest, type TrainingSummary, runTraining } from "../training/run-training.js";
import { registerTrainArtistsCommand } from "./train-artists.js";

interface TrainFlags {
  task_name?: string;
  task_args: string;
  datasetConfig: string;
  tunables: string;
  seed: string;
  batchSize: string;
  epochs: string;
  lrSchedule: string;
  clipGradientNorm?: string;
  accumulateGradBatches: string;
  checkpointDir: string;
  outputDir: string;
  validateEveryNSteps: string;
  shufbuf: string;
  allowMissingText?: boolean;
  resumeFrom?: string;
  loadFrom?: string;
  backend: string;
  replicas: string;
  models?: string;
}

const number = (flag: string, text: string, rule: NumberRule) => parseNumberFlag("train", flag, text, rule);
const NON_NEGATIVE_NUMBER = numberRule(z.number().min(0), "a number ≥ 0");

/** The run a command line asks for; every flag is checked before any data is read or a model built. */
function trainingRequest(flags: TrainFlags): TrainingRequest {
  if (!flags.task_name) throw new FlagError(`autosing train: --task_name is required (one of ${TASK_NAMES.join(", ")})`);
  if (!isTaskName(flags.task_name)) throw new FlagError(`autosing train: unknown task "${flags.task_name}" (known: ${TASK_NAMES.join(", ")})`);
  // The JSON objects are read by the task's schemas when the run starts (after the backend line).
  const taskArgs = parseJsonFlag("--task_args", flags.task_args);
  const datasetConfig = parseJsonFlag("--dataset-config", flags.datasetConfig);
  const tunables = parseJsonFlag("--tunables", flags.tunables);
  const seed = number("--seed", flags.seed, integerAtLeast(0));
  const batchSize = number("--batch-size", flags.batchSize, integerAtLeast(1));
  const epochs = number("--epochs", flags.epochs, integerAtLeast(1));
  const accumulateGradBatches = number("--accumulate-grad-batches", flags.accumulateGradBatches, integerAtLeast(1));
  const validateEveryNSteps = number("--validate-every-n-steps", flags.validateEveryNSteps, integerAtLeast(0));
  const shufbuf = number("--shufbuf", flags.shufbuf, integerAtLeast(0));
  // `auto`: one replica per core (each runs a single-threaded backend).
  const replicas = flags.replicas === "auto" ? availableParallelism() : number("--replicas", flags.replicas, integerAtLeast(1));
  const clipGradientNorm =
    flags.clipGradientNorm !== undefined ? number("--clip-gradient-norm", flags.clipGradientNorm, NON_NEGATIVE_NUMBER) : undefined;
  if (!LR_SCHEDULES.includes(flags.lrSchedule as LrScheduleName)) {
    throw new FlagError(`autosing train: --lr-schedule must be one of ${LR_SCHEDULES.join(", ")}, got "${flags.lrSchedule}"`);
  }
  if (flags.backend !== "auto" && !TF_BACKEND_PREFERENCE.includes(flags.backend as TfBackendChoice)) {
    throw new FlagError(`autosing train: --backend must be auto or one of ${TF_BACKEND_PREFERENCE.join(", ")}, got "${flags.backend}"`);
  }
  return {
    task: flags.task_name,
    // What the user typed; the task's schemas check it.
    taskArgs: taskArgs as TrainingRequest["taskArgs"],
    datasetConfig: datasetConfig as TrainingRequest["datasetConfig"],
    tunables: tunables as TrainingRequest["tunables"],
    seed,
    batchSize,
    epochs,
    lrSchedule: flags.lrSchedule as LrScheduleName,
    ...(clipGradientNorm !== undefined ? { clipGradientNorm } : {}),
    accumulateGradBatches,
    checkpointDir: flags.checkpointDir,
    outputDir: flags.outputDir,
    validateEveryNSteps,
    shufbuf,
    allowMissingText: flags.allowMissingText === true,
    ...(flags.resumeFrom ? { resumeFrom: flags.resumeFrom } : {}),
    ...(flags.loadFrom ? { loadFrom: flags.loadFrom } : {}),
    backend: flags.backend as "auto" | TfBackendChoice,
    replicas,
  };
}

/** The summary line `autosing train` prints: upstream's names, in this order. */
function summaryJson(summary: TrainingSummary): string {
  return JSON.stringify({
    task: summary.task,
    steps: summary.steps,
    skipped_steps: summary.skippedSteps,
    final_loss: summary.finalLoss,
    val_loss: summary.valLoss,
    model: summary.model,
    ...(summary.textSources
      ? {
          text_sources: {
            alignment: summary.textSources.alignment,
            text_column: summary.textSources.text,
            placeholder: summary.textSources.placeholder,
            placeholder_no_alignment: summary.textSources.missingAlignment,
            placeholder_low_inlier_ratio: summary.textSources.lowInlierRatio,
          },
        }
      : {}),
  });
}

/** `autosing train`: upstream train.py's flags, plus `train artists` (upstream collect_artists). */
export function registerTrainCommand(program: Command, io: CliIo): void {
  const command = program
    .command("train")
    .description("train t2s, sm2a or the artist embedder (upstream train.py flags)")
    .option("--task_name <name>", `task to train: ${TASK_NAMES.join(", ")}`)
    .option("--task_args <json>", 'model arguments as JSON, e.g. {"size": "small"}', "")
    .option("--dataset-config <json>", 'dataset options as JSON, e.g. {"path": "<dataset>"}', "{}")
    .option("--tunables <json>", 'tunable hyperparameters as JSON, e.g. {"lr0": 4e-3}', "")
    .option("--seed <n>", "global training seed", String(TRAINING_DEFAULTS.seed))
    .option("--batch-size <n>", "batch size", String(TRAINING_DEFAULTS.batchSize))
    .option("--epochs <n>", "training epochs", String(TRAINING_DEFAULTS.epochs))
    .addOption(new Option("--lr-schedule <name>", "learning rate schedule").choices([...LR_SCHEDULES]).default(TRAINING_DEFAULTS.lrSchedule))
    .option("--clip-gradient-norm <x>", "clip gradients to this global norm (a task's Tunables value wins, as upstream)")
    .option("--accumulate-grad-batches <n>", "batches per optimizer step", String(TRAINING_DEFAULTS.accumulateGradBatches))
    .option("--checkpoint-dir <dir>", "where checkpoints go (every epoch and on SIGINT/SIGTERM)", TRAINING_DEFAULTS.checkpointDir)
    .option("--output-dir <dir>", "the final model goes to <dir>/<task_name>/", TRAINING_DEFAULTS.outputDir)
    .option(
      "--validate-every-n-steps <n>",
      "also validate every N optimizer steps (0: only once per epoch, as upstream, whose flag of this name is not wired)",
      String(TRAINING_DEFAULTS.validateEveryNSteps),
    )
    .option("--shufbuf <k>", "the run's shuffle buffer in units of 1024 samples (upstream --shufbuf; 0: none)", String(TRAINING_DEFAULTS.shufbuf))
    .option("--allow-missing-text", "t2s: train even when most rows have no alignment or text and would train on the placeholder")
    .option("--resume-from <dir>", "continue a run exactly from a checkpoint directory")
    .option("--load-from <dir>", "start from a saved model's weights (model.safetensors + config.json)")
    .addOption(new Option("--backend <name>", "tfjs backend").choices(["auto", ...TF_BACKEND_PREFERENCE]).default(TRAINING_DEFAULTS.backend))
    .option(
      "--replicas <n>",
      "data parallelism: N worker replicas each train a contiguous shard of every batch, one optimizer update per step (auto: one per core; --workers is the data loaders')",
      String(TRAINING_DEFAULTS.replicas),
    )
    .option(
      "--models <dir>",
      'a models directory (autosing import bn-whisper): t2s and sm2a take their frozen semantic embeddings from it unless --task_args sets "frozen_embeddings_model"',
    )
    .action(async (flags: TrainFlags) => {
      const request = await withModelsDirectoryArgs(trainingRequest(flags), flags.models, io.stderr);
      const summary = await runTraining(request, io.stderr);
      io.stdout(`${summaryJson(summary)}\n`);
    });

  registerTrainArtistsCommand(command, io);
}
