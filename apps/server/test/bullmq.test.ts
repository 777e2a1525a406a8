/**
 * Scale-out on a real `redis-server`: the server's HTTP API with the BullMQ queue, and two
 * `autosing worker` processes (the built CLI) splitting one process job per partition of a
 * song-corpus dataset — every job done, both workers took some, the tables written.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { alignmentTable, readTable, stepPath } from "@autosing/parquet-io";
import { makeCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type JobQueue, type JobRecord, type RunningServer, buildApp, createBullmqQueue, isFinished, startServer } from "../src/index.js";
import { type SpawnedWorker, spawnWorker } from "./helpers/cli-worker.js";
import { waitForJob } from "./helpers/job-client.js";
import { type RunningRedis, redisServerOrSkip, startRedisServer } from "./helpers/redis-server.js";

const redisBinary = redisServerOrSkip("apps/server test/bullmq.test.ts");
let queue: JobQueue;
let base: string;
const PARTITIONS = 3;
/** Songs of the one partition of "long": its job runs long enough (a row a second or so) to be stopped between two rows. */
const LONG_SONGS = 3;

async function postProcess(body: unknown): Promise<string[]> {
  const response = await fetch(`${base}/api/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const answer = (await response.json()) as { ids: string[]; message?: string };
  expect(response.status, answer.message).toBe(202);
  return answer.ids;
}

async function waitFinished(queue: JobQueue, ids: readonly string[], timeoutMs = 45_000): Promise<JobRecord[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const records = await Promise.all(ids.map(async (id) => (await queue.get(id)) as JobRecord));
    if (records.every((record) => isFinished(record.state))) return records;
    if (Date.now() > deadline) throw new Error(`jobs not finished in ${timeoutMs} ms: ${JSON.stringify(records.map((r) => [r.id, r.state, r.error]))}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(redisBinary === undefined)("BullMQ on redis-server with two autosing worker processes", () => {
  const dir = mkdtempSync(join(tmpdir(), "autosing-bullmq-"));
  const dataset = join(dir, "corpus");
  // One partition of several songs, for the jobs that are stopped half-way.
  const long = join(dir, "long");
  const state = join(dir, "state");
  let redis: RunningRedis;
  let server: RunningServer;
  const workers: SpawnedWorker[] = [];
  const serverLog: string[] = [];

  beforeAll(async () => {
    redis = await startRedisServer(redisBinary as string);
    await mkdir(dataset, { recursive: true });
    await makeCorpus(dataset, { songs: PARTITIONS, partitions: PARTITIONS, seed: 7, seconds: 9, format: "wav" });
    await mkdir(long);
    await makeCorpus(long, { songs: LONG_SONGS, partitions: 1, seed: 8, seconds: 9, format: "wav" });
    for (let i = 0; i < 2; i++) workers.push(spawnWorker(["--queue", redis.url, "--dataset", `corpus=${dataset}`, "--dataset", `long=${long}`, "--state", state]));
    const datasets = [
      { name: "corpus", dir: dataset },
      { name: "long", dir: long },
    ];
    server = await startServer({ port: 0, queue: redis.url, datasets, state, log: (line) => serverLog.push(line) });
    base = server.url;
    queue = server.queue;
    await Promise.all(workers.map((worker) => worker.waitFor(/taking jobs from "autosing-jobs"/)));
  });

  afterAll(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill("SIGKILL");
    await server?.close();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("splits one align job per partition between the two workers; every job done, every table written", async () => {
    const response = await fetch(`${base}/api/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ dataset: "corpus", step: "align", partitions: "all" }) });
    expect(response.status).toBe(202);
    const { ids } = (await response.json()) as { ids: string[] };
    expect(ids).toHaveLength(PARTITIONS);
    expect(new Set(ids).size).toBe(PARTITIONS);

    const records = await waitFinished(queue, ids);
    // The API reports the same: done, with the table as its output (served from the dataset's folder).
    const view = await waitForJob(base, ids[0]!);
    expect(view).toMatchObject({ kind: "process", state: "done", outputs: [`/api/jobs/${ids[0]}/outputs/0`], error: null });
    const table = await fetch(`${base}${view.outputs[0]}`);
    expect(table.status).toBe(200);
    expect(Buffer.from(await table.arrayBuffer()).subarray(0, 4).toString()).toBe("PAR1");
    for (const [partition, record] of records.entries()) {
      expect(record.error).toBeNull();
      expect(record.state).toBe("done");
      expect(record.input).toEqual({ kind: "process", dataset: "corpus", step: "align", partition });
      expect(record.outputs).toEqual([`${partition}/alignment.parquet`]);
      expect(record.attempts).toBe(1);
      expect(record.progress).toEqual({ stage: "align", step: 1, total: 1 });
      expect(record.startedAt! <= record.finishedAt!).toBe(true);
      // One song per partition, aligned by the no-model default (eSpeak DTW).
      const rows = await readTable(stepPath(dataset, partition, "alignment"), alignmentTable);
      expect(rows).toHaveLength(1);
      expect(rows[0]?.alignment?.words.length).toBeGreaterThan(0);
    }
    // Each worker logged the jobs it ran: together all of them, each some.
    const taken = workers.map((worker) => ids.filter((id) => new RegExp(`job ${id} process align corpus/\\d: done`).test(worker.log())));
    expect(taken[0]!.length + taken[1]!.length).toBe(PARTITIONS);
    expect(taken[0]!.length).toBeGreaterThan(0);
    expect(taken[1]!.length).toBeGreaterThan(0);

    // Health: the queue on Redis, both workers, and what they keep warm.
    const health = (await (await fetch(`${base}/api/health`)).json()) as { queue: unknown; models: Record<string, string> };
    expect(health.queue).toEqual({ kind: "bullmq", queued: 0, running: 0, workers: 2 });
    expect(Object.values(health.models).join(" ")).toMatch(/process align: no model/);
  });

  it("names an unknown dataset, step or partition in a 404/400 and queues nothing", async () => {
    const post = async (body: unknown): Promise<{ status: number; message: string }> => {
      const response = await fetch(`${base}/api/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
      return { status: response.status, message: ((await response.json()) as { message: string }).message };
    };
    expect(await post({ dataset: "nope", step: "align", partitions: [0] })).toEqual({ status: 404, message: 'dataset: no served dataset is named "nope"; the server serves "corpus", "long"' });
    expect(await post({ dataset: "corpus", step: "tokenize", partitions: [0] })).toEqual({ status: 400, message: 'step: unknown step "tokenize"; expected one of align, vad_extract, src_sep, atoks, stoks, artist_embs' });
    expect(await post({ dataset: "corpus", step: "align", partitions: [0, 9] })).toEqual({ status: 404, message: 'partitions: dataset "corpus" has no partition 9; its partitions are 0, 1, 2' });
    expect((await post({ dataset: "corpus", step: "align", partitions: [-1] })).status).toBe(400);
    expect((await post({ dataset: "corpus", step: "align", partitions: "some" })).status).toBe(400);
    expect((await post({ dataset: "../corpus", step: "align", partitions: [0] })).status).toBe(404);
    expect((await queue.status()).queued).toBe(0);
  });

  it("a job whose model the worker lacks fails with the reason; the other jobs run on", async () => {
    const response = await fetch(`${base}/api/process`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ dataset: "corpus", step: "atoks", partitions: [0] }) });
    const { ids } = (await response.json()) as { ids: string[] };
    const [record] = await waitFinished(queue, ids);
    expect(record?.state).toBe("failed");
    expect((await waitForJob(base, ids[0]!)).error).toBe(record?.error);
    expect(record?.error).toBe("process atoks needs the acoustic codec, and this worker was started without --models; start it with --models <dir> holding one (autosing import snac <dir>, or autosing demo)");
    expect(record?.attempts).toBe(1);
  });

  it("cancels a running job: its worker stops it at the end of a row and writes no table", async () => {
    const [id] = await postProcess({ dataset: "long", step: "align", partitions: [0] });
    await Promise.any(workers.map((worker) => worker.waitFor(new RegExp(`job ${id} process align long/0: started`))));
    const response = await fetch(`${base}/api/jobs/${id}`, { method: "DELETE" });
    expect(response.status).toBe(200);
    // Asked, not yet stopped: the worker stops at the end of its row.
    expect(await response.json()).toMatchObject({ state: expect.stringMatching(/^(running|cancelled)$/) });
    const [record] = await waitFinished(queue, [id!]);
    expect(record).toMatchObject({ state: "cancelled", error: "cancelled by request", outputs: [] });
    expect(record!.progress?.step ?? 0).toBeLessThan(LONG_SONGS);
    expect(workers.some((worker) => new RegExp(`job ${id} process align long/0: cancelled after [\\d.]+ s: cancelled by request`).test(worker.log()))).toBe(true);
    expect((await readdir(join(long, "0"))).sort()).toEqual(["index.parquet", "truth.parquet"]);
  });

  it("SIGTERM mid-job: the worker puts the job back and exits 0; the other worker finishes it", async () => {
    const [id] = await postProcess({ dataset: "long", step: "align", partitions: [0] });
    // Stopped as soon as it runs: it goes back at the end of its first row at the latest.
    await Promise.any(workers.map((worker) => worker.waitFor(new RegExp(`job ${id} process align long/0: started`))));
    const holder = workers.find((worker) => worker.log().includes(`job ${id} process align long/0: started`));
    const other = workers.find((worker) => worker !== holder);
    holder!.child.kill("SIGTERM");
    expect(await holder!.exited).toBe(0);
    expect(holder!.log()).toMatch(new RegExp(`job ${id} process align long/0: put back in the queue after [\\d.]+ s \\(the worker is shutting down\\)[\\s\\S]*stopped`));
    const [record] = await waitFinished(queue, [id!]);
    expect(record).toMatchObject({ state: "done", attempts: 2, outputs: ["0/alignment.parquet"], error: null });
    expect(other!.log()).toMatch(new RegExp(`job ${id} process align long/0: started \\(attempt 2\\)[\\s\\S]*job ${id} process align long/0: done`));
    expect(await readTable(stepPath(long, 0, "alignment"), alignmentTable)).toHaveLength(LONG_SONGS);

    other!.child.kill("SIGTERM");
    expect(await other!.exited).toBe(0);
    expect(other!.log()).toMatch(/SIGTERM: finishing or putting back the running job[\s\S]*stopped/);
  });

  it("with no worker, a job waits in Redis and can be cancelled there", async () => {
    const queued = await queue.submit({ kind: "process", dataset: "corpus", step: "align", partition: 0 });
    expect(queued.state).toBe("queued");
    expect(existsSync(queue.jobFolder(queued.id))).toBe(true);
    expect((await queue.get(queued.id))?.state).toBe("queued");
    const cancelled = await fetch(`${base}/api/jobs/${queued.id}`, { method: "DELETE" });
    expect(await cancelled.json()).toMatchObject({ state: "cancelled", error: "cancelled by request" });
    expect(await queue.get(queued.id)).toMatchObject({ id: queued.id, state: "cancelled" });
    expect((await queue.status()).queued).toBe(0);
    expect(await queue.get("AAAAAAAAAAAAAAAA")).toBeUndefined();
  });

  it("refuses past the backlog with QueueFullError (the API's 429)", async () => {
    const small = await createBullmqQueue({ url: redis.url, stateDir: state, backlog: 2, log: () => undefined });
    try {
      await small.submit({ kind: "process", dataset: "corpus", step: "align", partition: 0 });
      await small.submit({ kind: "process", dataset: "corpus", step: "align", partition: 1 });
      const smallApp = await buildApp({ queue: small, datasets: [{ name: "corpus", dir: dataset }], modelsDir: undefined, stateDir: state, maxUploadBytes: 1e6, log: () => undefined });
      const response = await smallApp.inject({ method: "POST", url: "/api/process", payload: { dataset: "corpus", step: "align", partitions: [2] } });
      expect(response.statusCode).toBe(429);
      expect(response.headers["retry-after"]).toBe("5");
      expect(response.json()).toMatchObject({ ids: [], message: expect.stringMatching(/^the job queue is full \(2 jobs waiting\)/) });
      await smallApp.close();
    } finally {
      await small.close();
    }
  });
});
