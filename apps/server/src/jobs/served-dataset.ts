/** A dataset named by a job, found among the worker's `--dataset` options (never a path from the job). */
import type { ServedDatasetOption } from "../serve-options.js";
import { UnknownDatasetError } from "./process-errors.js";

/** The served dataset of that name; `UnknownDatasetError` names the served ones. */
export function servedDataset(datasets: readonly ServedDatasetOption[], name: string): ServedDatasetOption {
  const found = datasets.find((dataset) => dataset.name === name);
  if (found === undefined) throw new UnknownDatasetError(name, datasets.map((dataset) => dataset.name));
  return found;
}
