/**
 * What the BullMQ queue (the server side) and `autosing worker` (the worker side) agree on: the
 * queue's name, the data a BullMQ job carries, the cancel channel and marker, where a job's folder
 * is, and how a BullMQ job reads as a `JobRecord`.
 */
import type { Job } from "bullmq";

import type { JobInput, JobProgress, JobRecord, JobState } from "./job.js";
import { JobStore } from "./job-store.js";

/** The BullMQ queue every server and worker of one deployment share. */
export const QUEUE_NAME = "autosing-jobs";
/** BullMQ's key prefix (its default), so `bull:autosing-jobs:*` are the queue's keys. */
export const QUEUE_PREFIX = "bull";

/** The data of a BullMQ job: our input and when it was accepted. */
export interface QueuedJobData {
  readonly input: JobInput;
  readonly createdAt: string;
}

/** The return value of a finished job. */
export interface QueuedJobResult {
  readonly outputs: readonly string[];
}

/** Pub/sub channel on which the server names a running job to cancel; every worker listens. */
export const CANCEL_CHANNEL = `${QUEUE_PREFIX}:${QUEUE_NAME}:autosing:cancel`;

/** Key holding why a job was cancelled (JSON {@link CancelMarker}); its presence makes the job `cancelled`. */
export function cancelKey(id: string): string {
  return `${QUEUE_PREFIX}:${QUEUE_NAME}:autosing:cancelled:${id}`;
}

/** Key under which a worker publishes the models it keeps warm (the health endpoint's `models`). */
export function workerModelsKey(worker: string): string {
  return `${QUEUE_PREFIX}:${QUEUE_NAME}:autosing:models:${worker}`;
}
export const WORKER_MODELS_PATTERN = `${QUEUE_PREFIX}:${QUEUE_NAME}:autosing:models:*`;

/** A cancelled job: when and why, and the record as it stood (a queued job is removed from BullMQ, so this is all that is left of it). */
export interface CancelMarker {
  readonly at: string;
  readonly reason: string;
  readonly record?: JobRecord;
}

/** `<state>/jobs/<id>` as the embedded queue lays it out: the job's uploads and outputs, on the directory every machine shares. */
export function jobFolderPath(stateDir: string, id: string): string {
  return new JobStore(stateDir).folder(id);
}

/** BullMQ's reason for a job whose worker stopped renewing its lock more than `maxStalledCount` times. */
const STALLED_REASON = /stalled more than allowable limit/;

function isJobProgress(value: unknown): value is JobProgress {
  if (typeof value !== "object" || value === null) return false;
  const progress = value as Record<string, unknown>;
  return typeof progress["stage"] === "string" && typeof progress["step"] === "number" && typeof progress["total"] === "number";
}

function stateOf(bullState: string): JobState {
  switch (bullState) {
    case "active":
      return "running";
    case "completed":
      return "done";
    case "failed":
      return "failed";
    default:
      // waiting, prioritized, delayed (a job put back by a worker that shut down), waiting-children.
      return "queued";
  }
}

const iso = (milliseconds: number | undefined): string | null => (milliseconds === undefined || milliseconds === 0 ? null : new Date(milliseconds).toISOString());

/** The record of a BullMQ job in state `bullState`; `cancel` when the job was cancelled. */
export function recordOfJob(job: Job<QueuedJobData, QueuedJobResult>, bullState: string, cancel: CancelMarker | undefined): JobRecord {
  let state = stateOf(bullState);
  let error: string | null = null;
  let attempts = job.attemptsStarted ?? 0;
  if (state === "failed" && STALLED_REASON.test(job.failedReason)) {
    error = "the worker running this job stopped twice (killed, or cut off from Redis); it was retried once, then failed";
    // BullMQ 6 fails such a job when a worker next takes it, which counts as a start but runs nothing.
    attempts = Math.max(0, attempts - 1);
  } else if (state === "failed") {
    error = job.failedReason;
  }
  // A running job stays "running" until its worker has stopped it (at the end of a row or a stage);
  // one that finishes first is done: the cancel came too late.
  if (cancel !== undefined && (state === "failed" || state === "queued")) {
    state = "cancelled";
    error = cancel.reason;
  }
  const result = job.returnvalue as QueuedJobResult | null | undefined;
  return {
    id: job.id as string,
    input: job.data.input,
    state,
    progress: isJobProgress(job.progress) ? job.progress : null,
    outputs: state === "done" && Array.isArray(result?.outputs) ? result.outputs : [],
    error,
    attempts,
    createdAt: job.data.createdAt,
    startedAt: iso(job.processedOn),
    finishedAt: state === "cancelled" ? (iso(job.finishedOn) ?? cancel?.at ?? null) : iso(job.finishedOn),
  };
}
