/**
 * Before a t2s run: how many training rows have text. Upstream trains rows whose alignment is
 * missing or untrusted (inlier_ratio ≤ min_inlier_ratio) on a placeholder string, silently; a
 * dataset where most rows do so trains a model that ignores the lyrics, so the run refuses it
 * unless `--allow-missing-text` says to go on.
 */
import { DEFAULT_MIN_INLIER_RATIO, surveyT2STextSources } from "@autosing/trainer";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { PartitionConfig } from "./constructed-dataset.js";
import type { TaskContext } from "./task.js";

/** Rows read by the survey (spread evenly over the training partitions). */
export const TEXT_SURVEY_ROWS = 1000;

/**
 * Surveys the training rows' text sources, logs the result, and refuses the run when more than
 * half of the surveyed rows would train on the placeholder (unless `context.allowMissingText`).
 * Call it after the datasets opened (they check that the partitions exist and are readable).
 */
export async function checkT2SText(
  path: string,
  dataset: PartitionConfig & { min_inlier_ratio?: number | undefined },
  context: Pick<TaskContext, "allowMissingText" | "log">,
): Promise<void> {
  const minInlierRatio = dataset.min_inlier_ratio ?? DEFAULT_MIN_INLIER_RATIO;
  const survey = await surveyT2STextSources(path, {
    maxRows: TEXT_SURVEY_ROWS,
    minInlierRatio,
    ...(dataset.num_partitions !== undefined ? { numPartitions: dataset.num_partitions } : {}),
    ...(dataset.partition_offset !== undefined ? { partitionOffset: dataset.partition_offset } : {}),
    ...(dataset.parts !== undefined ? { parts: dataset.parts } : {}),
  });
  const summary = survey.describe("training rows surveyed", minInlierRatio);
  if (2 * survey.placeholder > survey.total) {
    if (!context.allowMissingText) {
      throw new CliError(
        `autosing train: dataset ${path}: ${summary}. A t2s model trained on them learns to ignore the lyrics: run the align step ` +
          `(autosing process align <dataset> <partition>) before construct-dataset, lower "min_inlier_ratio" in --dataset-config, ` +
          `or pass --allow-missing-text to train anyway`,
        ExitCode.badInput,
      );
    }
    context.log(`warning: ${summary} (--allow-missing-text: training anyway)`);
  } else if (survey.placeholder > 0) {
    context.log(`t2s text: ${summary}`);
  }
}
