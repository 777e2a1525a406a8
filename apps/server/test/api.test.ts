import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningServer, startServer } from "../src/index.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import { type SingFixtures, singForm } from "./helpers/sing-fixtures.js";
import { readEvents, waitForJob } from "./helpers/job-client.js";

let root: string;
let fixtures: SingFixtures;
let server: RunningServer;
const log: string[] = [];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-api-"));
  fixtures = await sharedSingFixtures();
  server = await startServer({ port: 0, models: fixtures.models, datasets: [{ name: "corpus", dir: fixtures.dataset }], state: join(root, "state"), workers: 1, log: (line) => log.push(line) });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

const api = (path: string, init?: RequestInit): Promise<Response> => fetch(`${server.url}${path}`, init);

async function submit(fields: Record<string, string> = {}): Promise<string> {
  const response = await api("/api/sing", { method: "POST", body: singForm(fixtures, fields) });
  const body = (await response.json()) as { id: string; message?: string };
  expect(response.status, body.message).toBe(202);
  return body.id;
}

describe("the API", () => {
  it("answers health with the queue and, once a worker has them, the loaded models", async () => {
    const response = await api("/api/health");
    expect(response.status).toBe(200);
    const health = (await response.json()) as { status: string; queue: { kind: string; workers: number }; models: Record<string, string> };
    expect(health.status).toBe("ok");
    expect(health.queue).toMatchObject({ kind: "embedded", workers: 1 });
    expect(log.some((line) => /^GET \/api\/health 200 [\d.]+ ms$/.test(line))).toBe(true);
  });

  it("serves an OpenAPI document naming every route", async () => {
    const document = (await (await api("/api/openapi.json")).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/health", "/api/sing", "/api/jobs/{id}", "/api/jobs/{id}/events", "/api/jobs/{id}/outputs/{n}"]));
  });

  it("sings an upload end to end: events to done, playable WAV outputs, range requests", async () => {
    const id = await submit({ batchSize: "2" });
    const events = await readEvents(server.url, id);
    const states = events.map((event) => event.state);
    expect(states.at(-1)).toBe("done");
    expect(states).toContain("running");
    expect(events.some((event) => event.progress?.stage === "acoustic" && event.progress.total > 0)).toBe(true);
    const job = (await (await api(`/api/jobs/${id}`)).json()) as { state: string; outputs: string[]; attempts: number };
    expect(job).toMatchObject({ state: "done", attempts: 1 });
    expect(job.outputs).toEqual([`/api/jobs/${id}/outputs/0`, `/api/jobs/${id}/outputs/1`]);

    const whole = await api(job.outputs[0] as string);
    expect(whole.status).toBe(200);
    expect(whole.headers.get("content-type")).toBe("audio/wav");
    expect(whole.headers.get("accept-ranges")).toBe("bytes");
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe("RIFF");
    expect(new TextDecoder().decode(bytes.subarray(8, 12))).toBe("WAVE");
    const audio = decodeWav(bytes);
    expect(audio.sampleRate).toBe(32000);
    expect(audio.channels[0]?.length).toBeGreaterThan(32000);

    const part = await api(job.outputs[0] as string, { headers: { range: "bytes=100-199" } });
    expect(part.status).toBe(206);
    expect(part.headers.get("content-range")).toBe(`bytes 100-199/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const tail = await api(job.outputs[0] as string, { headers: { range: "bytes=-10" } });
    expect(new Uint8Array(await tail.arrayBuffer())).toEqual(bytes.subarray(bytes.length - 10));
    expect((await api(job.outputs[0] as string, { headers: { range: `bytes=${bytes.length}-` } })).status).toBe(416);
    expect((await api(`/api/jobs/${id}/outputs/2`)).status).toBe(404);

    const health = (await (await api("/api/health")).json()) as { models: Record<string, string> };
    expect(Object.keys(health.models).some((key) => key.startsWith("sing:"))).toBe(true);
  });

  it("sings a served dataset's row with the stems of its src_sep tables, blending an uploaded spkfile", async () => {
    const form = new FormData();
    form.set("lyrics", "one line here\nand another one");
    form.set("referenceId", `corpus/0/${fixtures.datasetRowId}`);
    form.set("length", "1.6");
    form.set("batchSize", "1");
    form.set("spkAlpha", "0.5");
    form.set("spkfile", new Blob([fixtures.vocals]), "other-singer.wav");
    const response = await api("/api/sing", { method: "POST", body: form });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const job = await waitForJob(server.url, id);
    expect(job.state, job.error ?? "").toBe("done");
    expect(job.outputs).toHaveLength(1);
  });

  it("cancels a queued job, and a finished job stays as it was", async () => {
    // One worker: the first job runs, the second waits and is cancelled before it starts.
    const first = await submit({ length: "1.6", batchSize: "2" });
    const second = await submit();
    const cancelled = (await (await api(`/api/jobs/${second}`, { method: "DELETE" })).json()) as { state: string; error: string };
    expect(cancelled.state).toBe("cancelled");
    const done = await waitForJob(server.url, first);
    expect(done.state).toBe("done");
    const again = (await (await api(`/api/jobs/${first}`, { method: "DELETE" })).json()) as { state: string };
    expect(again.state).toBe("done");
  });

  it("cancels a running job: it stops and reports why", async () => {
    const id = await submit({ batchSize: "4" });
    // Progress comes from the worker: the job is in its hands, not just marked running.
    const started = await waitForJob(server.url, id, (job) => job.progress !== null || job.state !== "queued" && job.state !== "running");
    expect(started.state).toBe("running");
    const cancelledAt = Date.now();
    const response = await api(`/api/jobs/${id}`, { method: "DELETE" });
    const job = (await response.json()) as { state: string; error: string; outputs: string[] };
    expect(job.state).toBe("cancelled");
    expect(job.error).toMatch(/cancelled/);
    expect(job.outputs).toEqual([]);
    // The worker stops at its next step, well before the 5 s after which it would be killed.
    expect(Date.now() - cancelledAt).toBeLessThan(4000);
    expect((await (await api("/api/health")).json()) as unknown).toMatchObject({ queue: { workers: 1 } });
  });

  it("answers 404 for an unknown job and 400 for a malformed id", async () => {
    expect((await api("/api/jobs/AAAAAAAAAAAAAAAA")).status).toBe(404);
    expect((await api("/api/jobs/AAAAAAAAAAAAAAAA/events")).status).toBe(404);
    expect((await api("/api/jobs/AAAAAAAAAAAAAAAA", { method: "DELETE" })).status).toBe(404);
    expect((await api("/api/jobs/nope")).status).toBe(400);
  });

  it("refuses a submission it cannot run, naming the field", async () => {
    const noStems = new FormData();
    noStems.set("lyrics", "a\nb c");
    noStems.set("reference", new Blob([fixtures.reference]), "song.wav");
    const response = await api("/api/sing", { method: "POST", body: noStems });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^reference: an uploaded song needs a separator .* vocals and instrumental/);
    const unknownRow = new FormData();
    unknownRow.set("lyrics", "a b\nc d");
    unknownRow.set("referenceId", "corpus/0/no-such-row");
    const noRow = await api("/api/sing", { method: "POST", body: unknownRow });
    expect(noRow.status).toBe(400);
    expect(((await noRow.json()) as { message: string }).message).toMatch(/^referenceId: dataset "corpus" partition 0 has no separated row "no-such-row"/);
    const oneLine = await api("/api/sing", { method: "POST", body: singForm(fixtures, { lyrics: "only one line" }) });
    expect(oneLine.status).toBe(400);
    expect(((await oneLine.json()) as { message: string }).message).toMatch(/^lyrics: /);
    const badOption = await api("/api/sing", { method: "POST", body: singForm(fixtures, { batchSize: "0" }) });
    expect(badOption.status).toBe(400);
    expect(((await badOption.json()) as { message: string }).message).toMatch(/batchSize/);
  });
});

describe("a server started with --token", () => {
  let guarded: RunningServer;
  beforeAll(async () => {
    guarded = await startServer({ port: 0, state: join(root, "guarded"), token: "s3cret-token", log: () => undefined });
  });
  afterAll(async () => guarded?.close());

  it("answers 401 without the bearer token and 200 with it", async () => {
    const without = await fetch(`${guarded.url}/api/health`);
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await fetch(`${guarded.url}/API/health`)).status).toBe(401);
    expect((await fetch(`${guarded.url}/api/health`, { headers: { authorization: "Bearer wrong-token" } })).status).toBe(401);
    expect((await fetch(`${guarded.url}/api/health`, { headers: { authorization: "Bearer s3cret-token" } })).status).toBe(200);
  });
});
