import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningServer, startServer } from "../src/index.js";
import { waitForJob } from "./helpers/job-client.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import { type SingFixtures, singForm } from "./helpers/sing-fixtures.js";
import { workerPids } from "./helpers/worker-pids.js";

let root: string;
let fixtures: SingFixtures;
let server: RunningServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-worker-crash-"));
  fixtures = await sharedSingFixtures();
  server = await startServer({ port: 0, models: fixtures.models, state: join(root, "state"), workers: 1, log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

async function submit(fields: Record<string, string> = {}): Promise<string> {
  const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: singForm(fixtures, fields) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

/** Kills the worker (SIGKILL) once it reports progress on `id`. */
async function killWorkerDuring(id: string): Promise<void> {
  await waitForJob(server.url, id, (job) => job.progress !== null && job.progress.stage !== "load");
  const [pid] = await workerPids();
  expect(pid).toBeDefined();
  process.kill(pid as number, "SIGKILL");
}

describe("a worker process that dies mid-job", () => {
  it("is replaced; its job is retried once, then failed with the reason; the queue keeps running", async () => {
    const crashing = await submit({ batchSize: "3" });
    const after = await submit({ seed: "9" });
    await killWorkerDuring(crashing);
    // The retry runs on the replacement worker; kill that one too.
    await waitForJob(server.url, crashing, (job) => job.attempts === 2);
    await killWorkerDuring(crashing);
    const failed = await waitForJob(server.url, crashing);
    expect(failed.state).toBe("failed");
    expect(failed.error).toMatch(/^the worker process was killed by SIGKILL while it ran the job, twice$/);
    // The job behind it runs on the next replacement.
    expect(await waitForJob(server.url, after)).toMatchObject({ state: "done", attempts: 1 });
    expect(await workerPids()).toHaveLength(1);
  });
});
