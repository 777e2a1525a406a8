/**
 * The embedded queue (the default, without `--queue`): durable on disk under `--state` (one
 * folder per job, see job-store.ts), jobs run in the worker pool's child processes so the HTTP
 * loop never blocks, a bounded backlog (QueueFullError → 429), and a restart that picks up where
 * the last server stopped: queued jobs run, a job that was running is retried once, then failed
 * with the reason.
 */
import { EventEmitter } from "node:events";

import type { ServedDatasetOption } from "../serve-options.js";
import { type JobInput, type JobProgress, type JobRecord, isFinished } from "./job.js";
import { isJobId, newJobId } from "./job-id.js";
import { type JobQueue, QueueFullError, type QueueStatus, ServerError } from "./job-queue.js";
import { JobStore } from "./job-store.js";
import { JobAbortedError, JobFailedError, WorkerCrashedError, WorkerPool } from "./worker-pool.js";

/** The queue is closing (SIGTERM): it takes no new jobs; the API answers 503. */
export class QueueClosedError extends ServerError {
  readonly statusCode = 503;
}

/** A job is started at most this many times: a worker or server that dies under it once gets one retry. */
export const MAX_ATTEMPTS = 2;

export interface EmbeddedQueueOptions {
  readonly stateDir: string;
  readonly modelsDir: string | undefined;
  readonly datasets: readonly ServedDatasetOption[];
  readonly workers: number;
  /** Queued jobs past which `submit` throws QueueFullError. */
  readonly backlog: number;
  /** onnxruntime threads per session in each worker. */
  readonly threads: number;
  readonly log: (line: string) => void;
  /** How long `close()` lets running jobs finish before it stops them and puts them back in the queue (default 20 s). */
  readonly shutdownGraceMs?: number;
  /** How long a cancelled job may take to stop before its worker is killed (default 5 s). */
  readonly cancelGraceMs?: number;
}

/** Progress is kept in memory on every step; on disk at most this often (a restart reruns a running job anyway). */
const PROGRESS_WRITE_MS = 1000;

export class EmbeddedQueue implements JobQueue {
  private readonly records = new Map<string, JobRecord>();
  /** Queued ids, oldest first. */
  private readonly waiting: string[] = [];
  private readonly running = new Map<string, Promise<void>>();
  private readonly events = new EventEmitter();
  /** One write chain per job, so its `job.json` is written in order. */
  private readonly writes = new Map<string, Promise<void>>();
  private readonly lastProgressWrite = new Map<string, number>();
  /** Running jobs cancelled before their worker took them (their record was still being written). */
  private readonly cancelledEarly = new Set<string>();
  /** Seconds of recently finished jobs (the Retry-After estimate). */
  private readonly recentSeconds: number[] = [];
  private closing = false;
  private pool!: WorkerPool;

  private constructor(
    private readonly store: JobStore,
    private readonly options: EmbeddedQueueOptions,
  ) {
    this.events.setMaxListeners(0);
  }

  /** Loads every job from the state directory, settles the ones a dead server left running, starts the workers. */
  static async open(options: EmbeddedQueueOptions): Promise<EmbeddedQueue> {
    const queue = new EmbeddedQueue(new JobStore(options.stateDir), options);
    await queue.recover();
    queue.pool = new WorkerPool({ workers: options.workers, modelsDir: options.modelsDir, datasets: options.datasets, threads: options.threads, log: options.log, ...(options.cancelGraceMs === undefined ? {} : { cancelGraceMs: options.cancelGraceMs }) });
    queue.pool.onIdle = () => queue.dispatch();
    queue.dispatch();
    return queue;
  }

  private async recover(): Promise<void> {
    for (const loaded of await this.store.loadAll((line) => this.options.log(`queue: ${line}`))) {
      let record = loaded;
      if (record.state === "running") {
        record =
          record.attempts < MAX_ATTEMPTS
            ? { ...record, state: "queued", progress: null }
            : { ...record, state: "failed", progress: null, error: "the server stopped while it ran, twice", finishedAt: new Date().toISOString() };
        this.options.log(`queue: job ${record.id} was running when the server stopped: ${record.state === "queued" ? "queued again" : "failed"}`);
        await this.store.write(record);
      }
      this.records.set(record.id, record);
      if (record.state === "queued") this.waiting.push(record.id);
    }
  }

  async submit(input: JobInput, id: string = newJobId()): Promise<JobRecord> {
    if (this.closing) throw new QueueClosedError("the server is shutting down and takes no new jobs; submit again once it is back");
    if (!isJobId(id) || this.records.has(id)) throw new ServerError(`"${id}" is not a new job id`);
    if (this.waiting.length >= this.options.backlog) throw new QueueFullError(this.options.backlog, this.retryAfterSeconds());
    const record: JobRecord = { id, input, state: "queued", progress: null, outputs: [], error: null, attempts: 0, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null };
    this.records.set(id, record);
    this.waiting.push(id);
    await this.persist(record);
    this.dispatch();
    return record;
  }

  /** About when a place in the backlog frees: the waiting jobs over the workers, at the recent jobs' pace. */
  private retryAfterSeconds(): number {
    const mean = this.recentSeconds.length === 0 ? 10 : this.recentSeconds.reduce((a, b) => a + b, 0) / this.recentSeconds.length;
    return Math.min(3600, Math.max(1, Math.ceil((mean * Math.max(1, this.waiting.length - this.options.backlog + 1)) / Math.max(1, this.options.workers))));
  }

  async get(id: string): Promise<JobRecord | undefined> {
    return this.records.get(id);
  }

  async cancel(id: string): Promise<JobRecord | undefined> {
    const record = this.records.get(id);
    if (record === undefined || isFinished(record.state)) return record;
    if (record.state === "queued") {
      this.waiting.splice(this.waiting.indexOf(id), 1);
      await this.update(id, { state: "cancelled", error: "cancelled before it started", finishedAt: new Date().toISOString() });
    } else {
      if (!this.pool.abort(id, "cancelled while it ran")) this.cancelledEarly.add(id);
      await this.running.get(id);
    }
    return this.records.get(id);
  }

  subscribe(id: string, listener: (record: JobRecord) => void): () => void {
    this.events.on(id, listener);
    return () => this.events.off(id, listener);
  }

  jobFolder(id: string): string {
    return this.store.folder(id);
  }

  async status(): Promise<QueueStatus> {
    // Counted from the records, so a job the API already shows finished is never still counted as running.
    const running = [...this.running.keys()].filter((id) => this.records.get(id)?.state === "running").length;
    return { kind: "embedded", queued: this.waiting.length, running, workers: this.options.workers, models: this.pool.models() };
  }

  /** Starts queued jobs while a worker is free. */
  private dispatch(): void {
    if (this.closing) return;
    while (this.waiting.length > 0 && this.pool.idleCount() > this.startingCount()) {
      const id = this.waiting.shift() as string;
      this.running.set(id, this.start(id));
    }
  }

  /** Jobs handed to `start` whose worker has not been taken yet (start is async: it writes the record first). */
  private starting = 0;
  private startingCount(): number {
    return this.starting;
  }

  private async start(id: string): Promise<void> {
    this.starting++;
    const started = Date.now();
    let record: JobRecord;
    try {
      const current = this.records.get(id) as JobRecord;
      record = await this.update(id, { state: "running", attempts: current.attempts + 1, progress: null, error: null, startedAt: new Date().toISOString() });
    } finally {
      this.starting--;
    }
    try {
      if (this.cancelledEarly.delete(id)) throw new JobAbortedError("cancelled while it ran");
      const outcome = await this.pool.run({ id, input: record.input, folder: this.store.folder(id) }, (progress) => this.onProgress(id, progress));
      this.recentSeconds.push((Date.now() - started) / 1000);
      if (this.recentSeconds.length > 20) this.recentSeconds.shift();
      await this.update(id, { state: "done", outputs: outcome.outputs, finishedAt: new Date().toISOString() });
    } catch (error) {
      await this.settleFailure(id, error as Error);
    } finally {
      this.running.delete(id);
      this.lastProgressWrite.delete(id);
      this.dispatch();
    }
  }

  private async settleFailure(id: string, error: Error): Promise<void> {
    const record = this.records.get(id) as JobRecord;
    const finishedAt = new Date().toISOString();
    // A shutdown stopped it: back to the queue, and the stop does not count as an attempt.
    if (this.closing && (JobAbortedError.isInstance(error) || WorkerCrashedError.isInstance(error))) {
      await this.update(id, { state: "queued", progress: null, attempts: Math.max(0, record.attempts - 1), startedAt: null });
      return;
    }
    if (JobAbortedError.isInstance(error)) {
      await this.update(id, { state: "cancelled", error: error.message, finishedAt });
      return;
    }
    if (WorkerCrashedError.isInstance(error) && record.attempts < MAX_ATTEMPTS) {
      this.options.log(`queue: job ${id}: ${error.message}; retrying it`);
      await this.update(id, { state: "queued", progress: null });
      this.waiting.unshift(id);
      return;
    }
    const reason = WorkerCrashedError.isInstance(error) ? `${error.message}, twice` : JobFailedError.isInstance(error) ? error.message : `internal error: ${error.message}`;
    this.options.log(`queue: job ${id} failed: ${reason}`);
    await this.update(id, { state: "failed", error: reason, finishedAt });
  }

  private onProgress(id: string, progress: JobProgress): void {
    const record = this.records.get(id);
    if (record?.state !== "running") return;
    const next = { ...record, progress };
    this.records.set(id, next);
    this.events.emit(id, next);
    const now = Date.now();
    if (now - (this.lastProgressWrite.get(id) ?? 0) >= PROGRESS_WRITE_MS) {
      this.lastProgressWrite.set(id, now);
      void this.enqueueWrite(id).catch((error: Error) => this.options.log(`queue: job ${id}: ${error.message}`));
    }
  }

  /** Changes a record: in memory, then on disk (in order), then to subscribers. */
  private async update(id: string, change: Partial<JobRecord>): Promise<JobRecord> {
    const next = { ...(this.records.get(id) as JobRecord), ...change };
    this.records.set(id, next);
    await this.persist(next);
    return next;
  }

  private async persist(record: JobRecord): Promise<void> {
    await this.enqueueWrite(record.id);
    this.events.emit(record.id, this.records.get(record.id));
  }

  /** Writes the job's current record after any write already under way. */
  private enqueueWrite(id: string): Promise<void> {
    const previous = this.writes.get(id) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.store.write(this.records.get(id) as JobRecord));
    this.writes.set(id, next);
    void next.finally(() => {
      if (this.writes.get(id) === next) this.writes.delete(id);
    }).catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const grace = this.options.shutdownGraceMs ?? 20_000;
    const all = Promise.all(this.running.values());
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((resolve) => setTimeout(() => resolve(true), grace).unref())]);
    if (timedOut) {
      for (const id of this.running.keys()) this.pool.abort(id, "the server is shutting down");
      await all;
    }
    await Promise.all(this.writes.values());
    await this.pool.close();
  }
}

export function createEmbeddedQueue(options: EmbeddedQueueOptions): Promise<EmbeddedQueue> {
  return EmbeddedQueue.open(options);
}
