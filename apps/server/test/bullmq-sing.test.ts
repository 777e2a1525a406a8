/**
 * A sing job through the server with `--queue`: the server writes the uploads into the job's
 * folder under the shared state directory, and an `autosing worker` process (the built CLI, with
 * the same models directory) sings them there; the server serves the outputs.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningServer, startServer } from "../src/index.js";
import { type SpawnedWorker, spawnWorker } from "./helpers/cli-worker.js";
import { waitForJob } from "./helpers/job-client.js";
import { type RunningRedis, redisServerOrSkip, startRedisServer } from "./helpers/redis-server.js";
import { type SingFixtures, makeSingFixtures, singForm } from "./helpers/sing-fixtures.js";

const redisBinary = redisServerOrSkip("apps/server test/bullmq-sing.test.ts");

describe.skipIf(redisBinary === undefined)("a sing job on BullMQ, sung by autosing worker", () => {
  const root = mkdtempSync(join(tmpdir(), "autosing-bullmq-sing-"));
  const state = join(root, "state");
  let redis: RunningRedis;
  let fixtures: SingFixtures;
  let server: RunningServer;
  let worker: SpawnedWorker;

  beforeAll(async () => {
    redis = await startRedisServer(redisBinary as string);
    fixtures = await makeSingFixtures(root);
    worker = spawnWorker(["--queue", redis.url, "--models", fixtures.models, "--dataset", `corpus=${fixtures.dataset}`, "--state", state]);
    server = await startServer({ port: 0, queue: redis.url, models: fixtures.models, datasets: [{ name: "corpus", dir: fixtures.dataset }], state, log: () => undefined });
    await worker.waitFor(/taking jobs from "autosing-jobs"/);
  }, 120_000);

  afterAll(async () => {
    if (worker?.child.exitCode === null) worker.child.kill("SIGKILL");
    await server?.close();
    await redis?.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("sings an upload: done, a playable WAV served by the server, the worker's models in health", async () => {
    const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: singForm(fixtures) });
    const body = (await response.json()) as { id: string; message?: string };
    expect(response.status, body.message).toBe(202);
    const job = await waitForJob(server.url, body.id);
    expect(job.error).toBeNull();
    expect(job).toMatchObject({ kind: "sing", state: "done", attempts: 1, outputs: [`/api/jobs/${body.id}/outputs/0`] });
    const audio = await fetch(`${server.url}${job.outputs[0]}`);
    expect(audio.status).toBe(200);
    const wav = decodeWav(new Uint8Array(await audio.arrayBuffer()));
    expect(wav.channels[0]!.length).toBeGreaterThan(0);
    expect(worker.log()).toMatch(new RegExp(`job ${body.id} sing \\(upload reference\\): done in [\\d.]+ s`));
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { queue: { kind: string; workers: number }; models: Record<string, string> };
    expect(health.queue).toMatchObject({ kind: "bullmq", workers: 1 });
    expect(Object.keys(health.models).length).toBeGreaterThan(0);

    worker.child.kill("SIGTERM");
    expect(await worker.exited).toBe(0);
  });
});
