/**
 * The BullMQ queue's retry policy, as the embedded queue's: a job whose worker dies mid-job (kill
 * -9) is noticed by another worker once its lock lapses and run again; when its worker dies a
 * second time it fails with the reason. Workers here run with 1 s locks (autosing worker: 60 s).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

import { makeCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type JobQueue, type JobRecord, createBullmqQueue } from "../src/index.js";
import { type SpawnedWorker, spawnProcess } from "./helpers/cli-worker.js";
import { type RunningRedis, redisServerOrSkip, startRedisServer } from "./helpers/redis-server.js";

const redisBinary = redisServerOrSkip("apps/server test/bullmq-stalled.test.ts");
const WORKER_SCRIPT = fileURLToPath(new URL("./helpers/queue-worker-process.mjs", import.meta.url));
const LOCK_MS = 1000;

describe.skipIf(redisBinary === undefined)("BullMQ: a job whose worker dies", () => {
  const dir = mkdtempSync(join(tmpdir(), "autosing-bullmq-stalled-"));
  const dataset = join(dir, "long");
  const state = join(dir, "state");
  let redis: RunningRedis;
  let queue: JobQueue;
  const spawned: SpawnedWorker[] = [];

  const startWorker = (): SpawnedWorker => {
    const worker = spawnProcess([WORKER_SCRIPT, redis.url, state, JSON.stringify([{ name: "long", dir: dataset }]), String(LOCK_MS)]);
    spawned.push(worker);
    return worker;
  };

  async function waitFor(id: string, until: (record: JobRecord) => boolean, timeoutMs = 30_000): Promise<JobRecord> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = (await queue.get(id)) as JobRecord;
      if (until(record)) return record;
      if (Date.now() > deadline) throw new Error(`job ${id} never got there: ${JSON.stringify(record)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  beforeAll(async () => {
    redis = await startRedisServer(redisBinary as string);
    await mkdir(dataset);
    await makeCorpus(dataset, { songs: 3, partitions: 1, seed: 8, seconds: 9, format: "wav" });
    queue = await createBullmqQueue({ url: redis.url, stateDir: state, backlog: 10, log: () => undefined });
  });

  afterAll(async () => {
    for (const worker of spawned) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await queue?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is retried once by another worker, then fails with the reason", async () => {
    const { id } = await queue.submit({ kind: "process", dataset: "long", step: "align", partition: 0 });

    const first = startWorker();
    await first.waitFor(new RegExp(`job ${id} process align long/0: started \\(attempt 1\\)`));
    await waitFor(id, (record) => record.state === "running" && record.attempts === 1 && (record.progress?.step ?? 0) >= 1);
    first.child.kill("SIGKILL");
    await first.exited;

    // The second worker finds the job stalled once its lock lapses, and runs it again.
    const second = startWorker();
    await second.waitFor(new RegExp(`job ${id} process align long/0: started \\(attempt 2\\)`));
    await waitFor(id, (record) => record.state === "running" && record.attempts === 2);
    second.child.kill("SIGKILL");
    await second.exited;

    const third = startWorker();
    const failed = await waitFor(id, (record) => record.state === "failed");
    expect(failed).toMatchObject({ attempts: 2, outputs: [], error: "the worker running this job stopped twice (killed, or cut off from Redis); it was retried once, then failed" });
    // The third worker never ran it: BullMQ failed it as it handed it over.
    expect(third.log()).not.toContain(`job ${id}`);
    third.child.kill("SIGTERM");
    expect(await third.exited).toBe(0);
  });
});
