/**
 * The embedded queue's worker processes: `workers` persistent children (`child_process.fork`),
 * each running one job at a time with warm models. A worker that dies mid-job is replaced at once
 * and its job's promise rejects with {@link WorkerCrashedError} (the queue retries it once); every
 * other worker keeps running. Cancel sends an abort to the worker and kills it after a grace
 * period if the job has not stopped by then.
 */
import { type ChildProcess, fork } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, extname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { JobInput, JobProgress } from "./job.js";
import { ServerError } from "./job-queue.js";
import type { JobOutcome } from "./run-job.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-messages.js";

/** The job's own failure, reported by the worker (bad input, a model that does not fit): not retried. */
export class JobFailedError extends ServerError {}

/** The job stopped because it was cancelled (or the server is shutting down). */
export class JobAbortedError extends ServerError {}

/** The worker process died while it ran the job (a crash, a kill, out of memory): the job may be retried. */
export class WorkerCrashedError extends ServerError {}

export interface WorkerPoolOptions extends WorkerInit {
  readonly workers: number;
  /** How long a cancelled job may take to stop before its worker is killed (default 5 s). */
  readonly cancelGraceMs?: number;
  readonly log: (line: string) => void;
}

interface RunningJob {
  readonly id: string;
  readonly onProgress: (progress: JobProgress) => void;
  resolve(outcome: JobOutcome): void;
  reject(error: Error): void;
  /** Set once a cancel was asked: what the job's promise rejects with if the worker has to be killed. */
  abortReason?: string;
}

interface Worker {
  readonly child: ChildProcess;
  job: RunningJob | undefined;
  exited: boolean;
}

/** The worker module next to this one: compiled `.js` in dist, or `.ts` under tsx (tests run the sources). */
function workerModule(): { file: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const extension = extname(here);
  const file = join(dirname(here), `worker-process${extension}`);
  if (extension !== ".ts") return { file, execArgv: [] };
  const tsx = join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "loader.mjs");
  return { file, execArgv: ["--import", pathToFileURL(tsx).href] };
}

export class WorkerPool {
  private readonly workers: Worker[] = [];
  private readonly module = workerModule();
  private loadedModels: Record<string, string> = {};
  private closing = false;
  /** Called when a worker becomes free (the queue dispatches the next job). */
  onIdle: () => void = () => undefined;

  constructor(private readonly options: WorkerPoolOptions) {
    for (let i = 0; i < options.workers; i++) this.workers.push(this.spawn());
  }

  private spawn(): Worker {
    const init: WorkerInit = { modelsDir: this.options.modelsDir, datasets: this.options.datasets, threads: this.options.threads };
    const child = fork(this.module.file, [JSON.stringify(init)], { execArgv: this.module.execArgv, stdio: ["ignore", "inherit", "inherit", "ipc"], serialization: "advanced" });
    const worker: Worker = { child, job: undefined, exited: false };
    child.on("message", (message: FromWorker) => this.onMessage(worker, message));
    child.on("error", (error) => this.options.log(`worker ${child.pid ?? "?"}: ${error.message}`));
    child.on("exit", (code, signal) => this.onExit(worker, code, signal));
    return worker;
  }

  private onMessage(worker: Worker, message: FromWorker): void {
    if (message.type === "ready") {
      this.loadedModels = { ...this.loadedModels, ...message.models };
      return;
    }
    const job = worker.job;
    if (job === undefined || job.id !== message.id) return;
    if (message.type === "progress") {
      job.onProgress(message.progress);
      return;
    }
    this.loadedModels = { ...this.loadedModels, ...message.models };
    worker.job = undefined;
    if (message.type === "done") job.resolve({ outputs: message.outputs });
    else if (message.aborted) job.reject(new JobAbortedError(job.abortReason ?? message.error));
    else job.reject(new JobFailedError(message.error));
    if (!this.closing) this.onIdle();
  }

  private onExit(worker: Worker, code: number | null, signal: NodeJS.Signals | null): void {
    worker.exited = true;
    const index = this.workers.indexOf(worker);
    if (index >= 0) this.workers.splice(index, 1);
    const job = worker.job;
    worker.job = undefined;
    if (job !== undefined) {
      const how = signal === null ? `exited with code ${code ?? "?"}` : `was killed by ${signal}`;
      if (job.abortReason !== undefined) job.reject(new JobAbortedError(job.abortReason));
      else job.reject(new WorkerCrashedError(`the worker process ${how} while it ran the job`));
    }
    if (this.closing) return;
    // Replace it, so the pool keeps its size and the other jobs keep their workers.
    this.workers.push(this.spawn());
    this.onIdle();
  }

  /** Workers free to take a job now. */
  idleCount(): number {
    return this.closing ? 0 : this.workers.filter((worker) => worker.job === undefined && !worker.exited).length;
  }

  get size(): number {
    return this.workers.length;
  }

  /** Model key → description of what the workers have loaded. */
  models(): Record<string, string> {
    return { ...this.loadedModels };
  }

  /** Runs a job on a free worker (the caller checks {@link idleCount} first). */
  run(job: { id: string; input: JobInput; folder: string }, onProgress: (progress: JobProgress) => void): Promise<JobOutcome> {
    const worker = this.workers.find((candidate) => candidate.job === undefined && !candidate.exited);
    if (worker === undefined || this.closing) return Promise.reject(new ServerError("no worker is free"));
    return new Promise<JobOutcome>((resolve, reject) => {
      worker.job = { id: job.id, onProgress, resolve, reject };
      this.send(worker, { type: "run", id: job.id, input: job.input, folder: job.folder });
    });
  }

  private send(worker: Worker, message: ToWorker): void {
    if (worker.exited || !worker.child.connected) return;
    worker.child.send(message);
  }

  /**
   * Aborts a running job: its promise rejects with {@link JobAbortedError} (`reason`) once the
   * worker stops it, or once the worker is killed after the grace period. False when no worker runs it.
   */
  abort(id: string, reason: string): boolean {
    const worker = this.workers.find((candidate) => candidate.job?.id === id);
    const job = worker?.job;
    if (worker === undefined || job === undefined) return false;
    job.abortReason = reason;
    this.send(worker, { type: "cancel", id, reason });
    const timer = setTimeout(() => {
      if (worker.job === job && !worker.exited) worker.child.kill("SIGKILL");
    }, this.options.cancelGraceMs ?? 5000);
    timer.unref();
    return true;
  }

  /** Stops every worker (after the queue has stopped or requeued their jobs); kills one that does not exit. */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(
      this.workers.map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (worker.exited) return resolve();
            worker.child.once("exit", () => resolve());
            this.send(worker, { type: "shutdown" });
            setTimeout(() => worker.child.kill("SIGKILL"), this.options.cancelGraceMs ?? 5000).unref();
          }),
      ),
    );
  }
}
