/** Why a process job (or `POST /api/process`) is refused: each names the bad value and the way out. */
import { ServerError } from "./job-queue.js";

/** A dataset name the server was not configured with (`--dataset [name=]<dir>`); the API answers 404. */
export class UnknownDatasetError extends ServerError {
  constructor(
    readonly dataset: string,
    readonly served: readonly string[],
  ) {
    super(`no served dataset is named "${dataset}"; the server serves ${served.length === 0 ? "none (start it with --dataset [name=]<dir>)" : served.map((name) => `"${name}"`).join(", ")}`);
  }
}

/** A partition the dataset does not have; the API answers 404. */
export class UnknownPartitionError extends ServerError {
  constructor(
    readonly dataset: string,
    readonly partition: number,
    readonly partitions: readonly number[],
  ) {
    super(`dataset "${dataset}" has no partition ${partition}; its partitions are ${partitions.length === 0 ? "none" : partitions.join(", ")}`);
  }
}

/** A step whose network the models directory lacks (or the worker has no models directory). */
export class ProcessModelMissingError extends ServerError {
  constructor(
    readonly step: string,
    readonly model: string,
    readonly modelsDir: string | undefined,
    readonly howToGetIt: string,
  ) {
    super(
      modelsDir === undefined
        ? `process ${step} needs the ${model}, and this worker was started without --models; start it with --models <dir> holding one (${howToGetIt})`
        : `process ${step} needs the ${model}, and the models directory ${modelsDir} has none; add one with ${howToGetIt}`,
    );
  }
}
