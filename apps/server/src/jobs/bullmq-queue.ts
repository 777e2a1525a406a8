/**
 * The queue of `--queue redis://…`: jobs go to BullMQ on Redis and `autosing worker` processes on
 * any number of machines run them (queue-worker.ts). The record of a job is its BullMQ job (state,
 * progress, return value, failed reason); a cancelled job also has a cancel marker. Job folders
 * are under the state directory every machine shares.
 */
import { mkdir } from "node:fs/promises";

import { Job, Queue, QueueEvents } from "bullmq";
import type { Redis } from "ioredis";

import { CANCEL_CHANNEL, type CancelMarker, QUEUE_NAME, QUEUE_PREFIX, type QueuedJobData, type QueuedJobResult, WORKER_MODELS_PATTERN, cancelKey, jobFolderPath, recordOfJob } from "./bullmq-jobs.js";
import type { JobInput, JobRecord } from "./job.js";
import { newJobId } from "./job-id.js";
import { type JobQueue, QueueFullError, type QueueStatus } from "./job-queue.js";
import { probeRedis, redactUrl, redisClient } from "./redis-connection.js";

/** Where the BullMQ queue lives and where jobs' folders are (a directory every worker machine shares). */
export interface BullmqQueueOptions {
  /** `redis://host:port[/db]` */
  readonly url: string;
  readonly stateDir: string;
  /** Queued jobs past which submissions get 429. */
  readonly backlog: number;
  readonly log: (line: string) => void;
}

/** The retry policy of the embedded queue: a job that throws fails; a job whose worker died is retried once, then fails. */
export const BULLMQ_JOB_OPTIONS = {
  attempts: 1,
  // Finished jobs are the records GET /api/jobs/:id reads: kept a week, at most 10 000 of each.
  removeOnComplete: { age: 7 * 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 10_000 },
} as const;

/** What a 429 asks a client to wait: about one short job. */
const RETRY_AFTER_SECONDS = 5;

export async function createBullmqQueue(options: BullmqQueueOptions): Promise<JobQueue> {
  await probeRedis(options.url);
  const commands = redisClient(options.url, options.log);
  const events = redisClient(options.url, options.log);
  const queue = new Queue<QueuedJobData, QueuedJobResult>(QUEUE_NAME, { connection: commands, prefix: QUEUE_PREFIX, defaultJobOptions: BULLMQ_JOB_OPTIONS });
  const queueEvents = new QueueEvents(QUEUE_NAME, { connection: events, prefix: QUEUE_PREFIX });
  queue.on("error", (error) => options.log(`bullmq queue: ${error.message}`));
  queueEvents.on("error", (error) => options.log(`bullmq events: ${error.message}`));
  await Promise.all([queue.waitUntilReady(), queueEvents.waitUntilReady()]);
  options.log(`job queue: BullMQ "${QUEUE_NAME}" on ${redactUrl(options.url)}`);

  const listeners = new Map<string, Set<(record: JobRecord) => void>>();

  async function readCancel(id: string): Promise<CancelMarker | undefined> {
    const text = await commands.get(cancelKey(id));
    return text === null ? undefined : (JSON.parse(text) as CancelMarker);
  }

  async function get(id: string): Promise<JobRecord | undefined> {
    const [job, cancel] = await Promise.all([Job.fromId<QueuedJobData, QueuedJobResult>(queue, id), readCancel(id)]);
    if (job === undefined) return cancel?.record;
    const state = await job.getState();
    // The job finished between the two reads: read it again, for its result or failed reason.
    if ((state === "completed" || state === "failed") && job.finishedOn === undefined) {
      const finished = await Job.fromId<QueuedJobData, QueuedJobResult>(queue, id);
      if (finished !== undefined) return recordOfJob(finished, state, cancel);
    }
    return recordOfJob(job, state, cancel);
  }

  async function notify(id: string): Promise<void> {
    const subscribed = listeners.get(id);
    if (subscribed === undefined || subscribed.size === 0) return;
    const record = await get(id);
    if (record === undefined) return;
    for (const listener of subscribed) listener(record);
  }

  const onEvent = ({ jobId }: { jobId: string }): void => {
    if (!listeners.has(jobId)) return;
    notify(jobId).catch((error: unknown) => options.log(`bullmq events: job ${jobId}: ${(error as Error).message}`));
  };
  for (const event of ["waiting", "active", "progress", "completed", "failed", "removed", "stalled", "delayed"] as const) queueEvents.on(event, onEvent);

  return {
    async submit(input: JobInput, id: string = newJobId()): Promise<JobRecord> {
      const counts = await queue.getJobCounts("waiting", "prioritized", "delayed");
      const waiting = (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0) + (counts["delayed"] ?? 0);
      if (waiting >= options.backlog) throw new QueueFullError(options.backlog, RETRY_AFTER_SECONDS);
      await mkdir(jobFolderPath(options.stateDir, id), { recursive: true });
      const job = await queue.add(input.kind, { input, createdAt: new Date().toISOString() }, { jobId: id });
      return recordOfJob(job, "waiting", undefined);
    },

    get,

    async cancel(id: string): Promise<JobRecord | undefined> {
      const job = await Job.fromId<QueuedJobData, QueuedJobResult>(queue, id);
      if (job === undefined) return (await readCancel(id))?.record;
      const state = await job.getState();
      if (state === "completed" || state === "failed") return recordOfJob(job, state, await readCancel(id));
      const at = new Date().toISOString();
      const reason = "cancelled by request";
      if (state !== "active") {
        // Queued: taken out of BullMQ, so no worker starts it; the marker keeps its record.
        const record: JobRecord = { ...recordOfJob(job, state, undefined), state: "cancelled", error: reason, finishedAt: at };
        await commands.set(cancelKey(id), JSON.stringify({ at, reason, record } satisfies CancelMarker), "EX", BULLMQ_JOB_OPTIONS.removeOnFail.age);
        try {
          await job.remove();
          void notify(id);
          return record;
        } catch {
          // A worker took it in the meantime (a locked job cannot be removed): cancel it as running.
        }
      }
      // Running: the marker first (the worker checks it when it starts a job), then the worker that holds it is told.
      await commands.set(cancelKey(id), JSON.stringify({ at, reason } satisfies CancelMarker), "EX", BULLMQ_JOB_OPTIONS.removeOnFail.age);
      await commands.publish(CANCEL_CHANNEL, id);
      void notify(id);
      return get(id);
    },

    subscribe(id: string, listener: (record: JobRecord) => void): () => void {
      const subscribed = listeners.get(id) ?? new Set();
      subscribed.add(listener);
      listeners.set(id, subscribed);
      return () => {
        subscribed.delete(listener);
        if (subscribed.size === 0) listeners.delete(id);
      };
    },

    jobFolder(id: string): string {
      return jobFolderPath(options.stateDir, id);
    },

    async status(): Promise<QueueStatus> {
      const counts = await queue.getJobCounts("waiting", "prioritized", "delayed", "active");
      const models: Record<string, string> = {};
      for (const key of await scanKeys(commands, WORKER_MODELS_PATTERN)) {
        const text = await commands.get(key);
        if (text !== null) Object.assign(models, JSON.parse(text) as Record<string, string>);
      }
      return {
        kind: "bullmq",
        queued: (counts["waiting"] ?? 0) + (counts["prioritized"] ?? 0) + (counts["delayed"] ?? 0),
        running: counts["active"] ?? 0,
        workers: await queue.getWorkersCount(),
        models,
      };
    },

    async close(): Promise<void> {
      // Jobs stay in Redis for the workers; only this server's connections close.
      listeners.clear();
      await queueEvents.close();
      await queue.close();
      commands.disconnect();
      events.disconnect();
    },
  };
}

async function scanKeys(client: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  do {
    const [next, found] = await client.scan(cursor, "MATCH", pattern, "COUNT", 100);
    keys.push(...found);
    cursor = next;
  } while (cursor !== "0");
  return keys;
}
