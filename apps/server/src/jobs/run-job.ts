/**
 * Runs one job inside a worker process: the embedded queue's child processes and `autosing
 * worker` (BullMQ) both call this, so a job does the same work wherever it runs.
 */
import type { ServedDatasetOption } from "../serve-options.js";
import type { JobInput, JobProgress } from "./job.js";
import { runProcessJob } from "./process-job.js";
import { runSingJob } from "./sing-job.js";
import type { WarmModels } from "./warm-models.js";

/** What a job gets from the worker that runs it. */
export interface JobContext {
  readonly id: string;
  /** The job's folder: its uploads are there, and its outputs are written there (atomically). */
  readonly folder: string;
  /** The models directory the server was started with. */
  readonly modelsDir: string | undefined;
  readonly datasets: readonly ServedDatasetOption[];
  readonly warm: WarmModels;
  /** onnxruntime threads per session (the embedded queue shares the cores among its workers); default: all cores. */
  readonly threads?: number;
  /** Aborted when the job is cancelled or the worker shuts down. */
  readonly signal: AbortSignal;
  reportProgress(progress: JobProgress): void;
}

/** What a finished job produced: file names under its folder, in order. */
export interface JobOutcome {
  readonly outputs: readonly string[];
}

export async function runJob(input: JobInput, context: JobContext): Promise<JobOutcome> {
  switch (input.kind) {
    case "sing":
      return runSingJob(input, context);
    case "process":
      return runProcessJob(input, context);
  }
}
