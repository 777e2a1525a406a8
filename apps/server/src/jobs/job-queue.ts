/**
 * The queue contract the HTTP API talks to. Two implementations: the embedded queue (durable on
 * disk under `--state`, child-process workers) and the BullMQ queue (`--queue redis://…`, run by
 * `autosing worker` processes on any number of machines). The routes never know which.
 */
import { AutosingError } from "@autosing/base";

import type { JobInput, JobRecord } from "./job.js";

export interface JobQueue {
  /** Accepts a job (state `queued`) or throws `QueueFullError` when the backlog is full. */
  submit(input: JobInput, id?: string): Promise<JobRecord>;
  /** The job, or undefined for an unknown id. */
  get(id: string): Promise<JobRecord | undefined>;
  /** Cancels a queued or running job; a finished job is returned unchanged. Undefined for an unknown id. */
  cancel(id: string): Promise<JobRecord | undefined>;
  /** Calls `listener` with the record on every change (state, progress) until the returned function is called. */
  subscribe(id: string, listener: (record: JobRecord) => void): () => void;
  /** The absolute folder a job's inputs (uploads) and outputs live in. */
  jobFolder(id: string): string;
  /** What the health endpoint reports of the workers: which models they have loaded. */
  status(): Promise<QueueStatus>;
  /** Stops taking jobs; a running job finishes or goes back to the queue; nothing is left half-written. */
  close(): Promise<void>;
}

export interface QueueStatus {
  readonly kind: "embedded" | "bullmq";
  readonly queued: number;
  readonly running: number;
  readonly workers: number;
  /** Model name → what is loaded in a worker (a path or a short description). */
  readonly models: Readonly<Record<string, string>>;
}

/** Base of the server's own errors (scope `server`). */
export class ServerError extends AutosingError {
  static override readonly scope: string = "server";
}

/** The backlog is full: the API answers 429 with `Retry-After: retryAfterSeconds`. */
export class QueueFullError extends ServerError {
  constructor(
    readonly backlog: number,
    readonly retryAfterSeconds: number,
  ) {
    super(`the job queue is full (${backlog} jobs waiting); try again in ${retryAfterSeconds} s`);
  }
}
