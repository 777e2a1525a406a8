import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { newJobId } from "../src/jobs/job-id.js";
import type { JobRecord } from "../src/jobs/job.js";
import { waitForJob } from "./helpers/job-client.js";
import { type ServerProcess, exited, spawnServer } from "./helpers/serve-process.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import { type SingFixtures, singForm } from "./helpers/sing-fixtures.js";

let root: string;
let fixtures: SingFixtures;
let server: ServerProcess | undefined;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-restart-"));
  fixtures = await sharedSingFixtures();
});

afterAll(async () => {
  server?.child.kill("SIGKILL");
  await rm(root, { recursive: true, force: true });
});

async function submit(url: string, fields: Record<string, string>): Promise<string> {
  const response = await fetch(`${url}/api/sing`, { method: "POST", body: singForm(fixtures, fields) });
  expect(response.status).toBe(202);
  return ((await response.json()) as { id: string }).id;
}

const sha256 = async (file: string): Promise<string> => createHash("sha256").update(await readFile(file)).digest("hex");

describe("a server killed with SIGKILL mid-queue", () => {
  it("starts again on the same state: the done job's outputs are intact, the queued jobs run, the running one is retried; one that died twice fails with its reason", async () => {
    const state = join(root, "state");
    const options = { port: 0, models: fixtures.models, state, workers: 1 };
    server = await spawnServer(options);
    const finished = await submit(server.url, {});
    expect((await waitForJob(server.url, finished)).state).toBe("done");
    const outputFolder = join(state, "jobs", finished, "outputs");
    const [outputName] = await readdir(outputFolder);
    const before = await sha256(join(outputFolder, outputName as string));

    const running = await submit(server.url, { batchSize: "2" });
    const queued = [await submit(server.url, { seed: "4" }), await submit(server.url, { seed: "5" })];
    // Kill it once the worker reports progress on the long job: the job is in its hands.
    await waitForJob(server.url, running, (job) => job.progress !== null && job.progress.stage !== "load");
    server.child.kill("SIGKILL");
    await exited(server.child);

    // A job found running whose worker already died under it once: the restart fails it with the reason.
    const twice = newJobId();
    const record: JobRecord = { id: twice, input: { kind: "sing", reference: { kind: "upload", file: "reference.upload" }, lyrics: "a b\nc d" }, state: "running", progress: null, outputs: [], error: null, attempts: 2, createdAt: new Date().toISOString(), startedAt: new Date().toISOString(), finishedAt: null };
    await mkdir(join(state, "jobs", twice), { recursive: true });
    await writeFile(join(state, "jobs", twice, "job.json"), JSON.stringify(record));

    // Whatever the killed worker got to write is whole: no output under its final name is torn.
    for (const name of await readdir(join(state, "jobs", running, "outputs")).catch(() => [])) {
      if (name.startsWith(".")) continue;
      expect(decodeWav(await readFile(join(state, "jobs", running, "outputs", name))).sampleRate).toBe(32000);
    }

    server = await spawnServer(options);
    const url = server.url;
    const retried = await waitForJob(url, running);
    expect(retried).toMatchObject({ state: "done", attempts: 2 });
    expect(retried.outputs).toHaveLength(2);
    for (const id of queued) expect(await waitForJob(url, id)).toMatchObject({ state: "done", attempts: 1 });
    const failed = await waitForJob(url, twice);
    expect(failed).toMatchObject({ state: "failed", error: "the server stopped while it ran, twice" });
    const done = await waitForJob(url, finished);
    expect(done.state).toBe("done");
    expect(await sha256(join(outputFolder, outputName as string))).toBe(before);
    const served = new Uint8Array(await (await fetch(`${url}${done.outputs[0] ?? ""}`)).arrayBuffer());
    expect(createHash("sha256").update(served).digest("hex")).toBe(before);
    expect(server.stderr()).toMatch(new RegExp(`job ${running} was running when the server stopped: queued again`));

    // SIGTERM while a job runs: the job finishes (it is well within the grace period), then exit 0.
    const last = await submit(url, { seed: "6" });
    await waitForJob(url, last, (job) => job.progress !== null);
    server.child.kill("SIGTERM");
    await exited(server.child);
    expect(server.child.exitCode).toBe(0);
    const onDisk = JSON.parse(await readFile(join(state, "jobs", last, "job.json"), "utf8")) as JobRecord;
    expect(onDisk).toMatchObject({ state: "done", attempts: 1 });
    expect(decodeWav(await readFile(join(state, "jobs", last, onDisk.outputs[0] ?? ""))).sampleRate).toBe(32000);
  });
});
