/** The demo's tiny training runs: a task of the training table, then its export, as `autosing train` + `autosing export` would. */
import { mkdir, rename, rmdir } from "node:fs/promises";
import { dirname, join } from "node:path";

import { exportModel } from "../commands/export.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { TaskName } from "../training/registry.js";
import { type TrainingRequest, type TrainingSummary, type TunablesInput, runTraining } from "../training/run-training.js";
import type { TrainedModelFolders } from "./layout.js";

/** The settings all the demo's runs share. */
export interface DemoTraining {
  out: string;
  checkpoints: string;
  seed: number;
  /** Least optimizer steps per run. */
  steps: number;
  /** Where training and export detail goes. */
  log: (text: string) => void;
}

/**
 * Trains `request.task` with batch `batchSize` over `rows` training rows, moves the saved model
 * to `folders.checkpoint` and exports it to `folders.export`: the trainer counts epochs, not
 * steps, so it runs enough whole epochs for at least `run.steps` steps.
 */
export async function trainAndExport<Name extends TaskName>(
  run: DemoTraining,
  request: Pick<TrainingRequest<Name>, "task" | "taskArgs" | "datasetConfig">,
  batchSize: number,
  rows: number,
  folders: TrainedModelFolders,
): Promise<TrainingSummary> {
  const epochs = Math.max(1, Math.ceil((run.steps * batchSize) / Math.max(1, rows)));
  const summary = await runTraining<Name>(
    {
      ...request,
      // Every task's Tunables have these two.
      tunables: { lr0: 1.5e-3, warmup_steps: 0 } as TunablesInput<Name>,
      batchSize,
      epochs,
      seed: run.seed,
      validateEveryNSteps: 0,
      backend: "auto",
      checkpointDir: join(run.checkpoints, request.task),
      outputDir: join(run.out, "trained"),
    },
    run.log,
  );
  if (summary.model === null) throw new CliError(`autosing demo: training ${request.task} saved no model`, ExitCode.internalError);
  // The models directory's layout: the saved model (what export and train --load-from take) beside its export.
  await mkdir(dirname(folders.checkpoint), { recursive: true });
  await rename(summary.model, folders.checkpoint);
  // <out>/trained/ held it only until now; it goes when empty.
  await rmdir(dirname(summary.model)).catch(() => undefined);
  await exportModel(folders.checkpoint, folders.export);
  return { ...summary, model: folders.checkpoint };
}
