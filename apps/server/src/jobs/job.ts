/**
 * A job of the server's queue: what was asked (its input), where it stands (state, progress) and
 * what it produced (outputs). The one record every queue (embedded on disk, BullMQ on Redis), the
 * worker processes, the HTTP API and the pages share; the API's JSON schemas mirror it
 * (http/api-schemas.ts).
 */
import type { StepName } from "@autosing/processing";

export const JOB_STATES = ["queued", "running", "done", "failed", "cancelled"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** A state that never changes again. */
export function isFinished(state: JobState): boolean {
  return state === "done" || state === "failed" || state === "cancelled";
}

/** Where a running job is: the pipeline stage (sing: `SING_STAGES`; process: the step) and its step count. */
export interface JobProgress {
  readonly stage: string;
  readonly step: number;
  readonly total: number;
}

/** Where the reference song of a sing job comes from. */
export type SingReference =
  /** An uploaded song, stored under the job's folder in the state directory (a file name there). */
  | { readonly kind: "upload"; readonly file: string; readonly vocals?: string; readonly instrumental?: string }
  /** A song of a served dataset, whose stems the dataset already holds (`src_sep` output). */
  | { readonly kind: "dataset"; readonly dataset: string; readonly partition: number; readonly id: string };

/** `POST /api/sing`: the `sing` options under the library's names (@autosing/sing `SingOptions`). */
export interface SingJobInput {
  readonly kind: "sing";
  readonly reference: SingReference;
  readonly lyrics: string;
  readonly length?: number;
  readonly batchSize?: number;
  readonly temperature?: number;
  readonly seed?: number;
  readonly spkAlpha?: number;
  /** An uploaded second singer (a file name under the job's folder). */
  readonly spkfile?: string;
}

/** `POST /api/process`: one `autosing process` step on one partition of a served dataset. */
export interface ProcessJobInput {
  readonly kind: "process";
  readonly dataset: string;
  readonly step: StepName;
  readonly partition: number;
}

export type JobInput = SingJobInput | ProcessJobInput;
export type JobKind = JobInput["kind"];

/** A job as the queue keeps it and the API reports it. */
export interface JobRecord {
  readonly id: string;
  readonly input: JobInput;
  readonly state: JobState;
  readonly progress: JobProgress | null;
  /** File names under the job's output folder, in order (`GET /api/jobs/:id/outputs/:n`). */
  readonly outputs: readonly string[];
  /** Why it failed or was cancelled; null otherwise. */
  readonly error: string | null;
  /** How many times a worker has started it (a job whose worker died is retried once). */
  readonly attempts: number;
  /** ISO 8601 times. */
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}
