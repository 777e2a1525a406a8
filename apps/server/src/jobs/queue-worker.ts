/**
 * `autosing worker --queue redis://…`: one BullMQ worker that takes jobs one at a time and runs
 * each in this process with `runJob` and warm models, so a job does the same work here as in the
 * embedded queue's child processes. Any number of these, on any machines that share the state
 * directory (and the models and datasets at the same paths), split the queue.
 */
import { mkdir } from "node:fs/promises";
import { hostname } from "node:os";

import { type Job, UnrecoverableError, WaitingError, Worker } from "bullmq";

import type { ServedDatasetOption } from "../serve-options.js";
import { CANCEL_CHANNEL, QUEUE_NAME, QUEUE_PREFIX, type QueuedJobData, type QueuedJobResult, cancelKey, jobFolderPath, workerModelsKey } from "./bullmq-jobs.js";
import type { JobInput } from "./job.js";
import { JobAbortedError } from "./worker-pool.js";
import { probeRedis, redactUrl, redisClient } from "./redis-connection.js";
import { runJob } from "./run-job.js";
import { WarmModels } from "./warm-models.js";

export interface QueueWorkerOptions {
  /** `redis://host:port[/db]` */
  readonly url: string;
  /** The same state directory the server uses (shared between machines). */
  readonly stateDir: string;
  readonly modelsDir: string | undefined;
  readonly datasets: readonly ServedDatasetOption[];
  readonly log: (line: string) => void;
  /**
   * How long a running job's lock lasts without renewal (default 60 s; renewed every half of it).
   * A worker that dies is noticed by another worker's stalled check after about this long.
   */
  readonly lockMilliseconds?: number;
  /** Milliseconds between this worker's checks for jobs whose worker died (default 30 s). */
  readonly stalledCheckMilliseconds?: number;
}

/** A running `autosing worker`: `close()` finishes or requeues its job and disconnects. */
export interface RunningQueueWorker {
  /** This worker's name in BullMQ (`host:pid`). */
  readonly name: string;
  close(): Promise<void>;
}

const SHUTDOWN_REASON = "the worker is shutting down";
/** How long the warm-models note of a worker outlives its last job. */
const MODELS_NOTE_SECONDS = 24 * 3600;

/** One line naming a job's work: `process vad_extract corpus/2`, `sing`. */
export function describeInput(input: JobInput): string {
  return input.kind === "process" ? `process ${input.step} ${input.dataset}/${input.partition}` : `sing (${input.reference.kind} reference)`;
}

export async function runQueueWorker(options: QueueWorkerOptions): Promise<RunningQueueWorker> {
  await probeRedis(options.url);
  const name = `${hostname()}:${process.pid}`;
  const commands = redisClient(options.url, options.log);
  const subscriber = redisClient(options.url, options.log);
  const warm = new WarmModels();
  const running = new Map<string, AbortController>();
  let shuttingDown = false;

  await subscriber.subscribe(CANCEL_CHANNEL);
  subscriber.on("message", (channel: string, id: string) => {
    if (channel === CANCEL_CHANNEL) running.get(id)?.abort(new JobAbortedError("cancelled by request"));
  });

  const processor = async (job: Job<QueuedJobData, QueuedJobResult>, token?: string): Promise<QueuedJobResult> => {
    const id = job.id as string;
    const started = performance.now();
    const what = describeInput(job.data.input);
    const seconds = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    const controller = new AbortController();
    // Registered before the marker is read: a cancel published from here on reaches the controller.
    running.set(id, controller);
    try {
      if ((await commands.exists(cancelKey(id))) === 1) {
        options.log(`job ${id} ${what}: cancelled before it started`);
        throw new UnrecoverableError("cancelled by request");
      }
      const folder = jobFolderPath(options.stateDir, id);
      await mkdir(folder, { recursive: true });
      options.log(`job ${id} ${what}: started (attempt ${job.attemptsStarted})`);
      const outcome = await runJob(job.data.input, {
        id,
        folder,
        modelsDir: options.modelsDir,
        datasets: options.datasets,
        warm,
        signal: controller.signal,
        reportProgress: (progress) => {
          job.updateProgress(progress).catch((error: unknown) => options.log(`job ${id}: progress not recorded: ${(error as Error).message}`));
        },
      });
      options.log(`job ${id} ${what}: done in ${seconds()}${outcome.outputs.length === 0 ? "" : `: ${outcome.outputs.join(", ")}`}`);
      return { outputs: outcome.outputs };
    } catch (error) {
      if (error instanceof UnrecoverableError) throw error;
      const message = error instanceof Error ? error.message : String(error);
      if (controller.signal.aborted && shuttingDown && (await commands.exists(cancelKey(id))) === 0) {
        // Stopped between two rows by SIGTERM: back to the queue for another worker (or this one, restarted).
        await job.moveToWait(token);
        options.log(`job ${id} ${what}: put back in the queue after ${seconds()} (${SHUTDOWN_REASON})`);
        throw new WaitingError();
      }
      options.log(`job ${id} ${what}: ${controller.signal.aborted ? "cancelled" : "failed"} after ${seconds()}: ${message}`);
      // A job that throws fails for good, as in the embedded queue; only a dead worker's job is retried.
      throw new UnrecoverableError(message);
    } finally {
      running.delete(id);
      commands.set(workerModelsKey(name), JSON.stringify(warm.describe()), "EX", MODELS_NOTE_SECONDS).catch(() => undefined);
    }
  };

  const workerConnection = redisClient(options.url, options.log);
  const worker = new Worker<QueuedJobData, QueuedJobResult>(QUEUE_NAME, processor, {
    connection: workerConnection,
    prefix: QUEUE_PREFIX,
    name,
    concurrency: 1,
    // A job whose worker died goes back to the queue once; the second time it fails with the reason.
    maxStalledCount: 1,
    lockDuration: options.lockMilliseconds ?? 60_000,
    stalledInterval: options.stalledCheckMilliseconds ?? 30_000,
  });
  worker.on("error", (error) => options.log(`bullmq worker: ${error.message}`));
  await worker.waitUntilReady();
  options.log(`autosing worker ${name}: taking jobs from "${QUEUE_NAME}" on ${redactUrl(options.url)}`);

  let closing: Promise<void> | undefined;
  return {
    name,
    close(): Promise<void> {
      closing ??= (async () => {
        shuttingDown = true;
        for (const controller of running.values()) controller.abort(new JobAbortedError(SHUTDOWN_REASON));
        await worker.close();
        await commands.del(workerModelsKey(name)).catch(() => undefined);
        await warm.dispose();
        await subscriber.quit().catch(() => undefined);
        await commands.quit().catch(() => undefined);
        await workerConnection.quit().catch(() => undefined);
        options.log(`autosing worker ${name}: stopped`);
      })();
      return closing;
    },
  };
}
