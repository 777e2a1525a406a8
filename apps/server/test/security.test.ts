import { randomBytes } from "node:crypto";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningServer, ServeOptionError, resolveServeOptions, startServer } from "../src/index.js";
import { waitForJob } from "./helpers/job-client.js";
import { rawRequest } from "./helpers/raw-request.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import { type SingFixtures, singForm } from "./helpers/sing-fixtures.js";

let root: string;
let fixtures: SingFixtures;
let server: RunningServer;
let state: string;
/** A finished job whose folder holds job.json and outputs: what a traversal would aim at next door. */
let doneId: string;
const SECRET = "top-secret-contents-never-served";

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-security-"));
  fixtures = await sharedSingFixtures();
  // A file beside the state directory that no request may read.
  await writeFile(join(root, "secret.txt"), SECRET);
  state = join(root, "state");
  server = await startServer({ port: 0, models: fixtures.models, state, workers: 1, maxUploadBytes: 400_000, log: () => undefined });
  const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: singForm(fixtures) });
  expect(response.status, await response.clone().text()).toBe(202);
  doneId = ((await response.json()) as { id: string }).id;
  expect((await waitForJob(server.url, doneId)).state).toBe("done");
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

/** The first `bytes` of a 16-bit PCM WAV (44-byte header) with its sizes rewritten: a shorter, valid file. */
function truncatedWav(wav: Uint8Array, bytes: number): Uint8Array {
  const out = wav.slice(0, bytes - ((bytes - 44) % 2));
  const view = new DataView(out.buffer);
  view.setUint32(4, out.length - 8, true);
  view.setUint32(40, out.length - 44, true);
  return out;
}

describe("paths a client sends", () => {
  const traversals = ["..", "..%2F..%2Fsecret.txt", "%2e%2e%2f%2e%2e%2fsecret.txt", "%2e%2e", "..%5C..%5Csecret.txt", "%2Fetc%2Fpasswd", "%252e%252e%252f", "AAAAAAAAAAAAAAA%2F"];

  it("never reach the file system as job ids: 400 or 404, and no file's contents", async () => {
    for (const id of traversals) {
      for (const path of [`/api/jobs/${id}`, `/api/jobs/${id}/events`, `/api/jobs/${id}/outputs/0`]) {
        const { status, body } = await rawRequest(server.url, path);
        expect([400, 404], `${path} → ${status}`).toContain(status);
        expect(body).not.toContain(SECRET);
        expect(body).not.toContain("root:");
      }
    }
    // Unnormalized dot segments in the path itself.
    for (const path of ["/api/jobs/../../secret.txt", `/api/jobs/${doneId}/../../../secret.txt`, `/api/jobs/${doneId}/outputs/../job.json`, "//api/jobs/..%2f..%2fsecret.txt"]) {
      const { status, body } = await rawRequest(server.url, path);
      expect([400, 404], `${path} → ${status}`).toContain(status);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('"attempts"');
    }
  });

  it("never reach the file system as output indexes: only the job's own outputs are served", async () => {
    for (const n of ["..%2Fjob.json", "%2e%2e%2fjob.json", "-1", "1e3", "0x0", "00", "%2Fetc%2Fpasswd", "..", "0%2F..%2F..%2Fsecret.txt"]) {
      const { status, body } = await rawRequest(server.url, `/api/jobs/${doneId}/outputs/${n}`);
      expect([400, 404], `${n} → ${status}`).toContain(status);
      expect(body).not.toContain(SECRET);
      expect(body).not.toContain('"attempts"');
    }
    expect((await rawRequest(server.url, `/api/jobs/${doneId}/outputs/1`)).status).toBe(404);
    expect((await rawRequest(server.url, `/api/jobs/${doneId}/outputs/0`)).status).toBe(200);
  });

  it("refuses a file field sent as text (a path is never taken from the client)", async () => {
    const form = new FormData();
    form.set("lyrics", "a line\nanother line");
    form.set("reference", join(root, "secret.txt"));
    const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^reference: must be a file/);
  });
});

describe("uploads", () => {
  it("larger than --max-upload-mb get 413, and nothing of them stays on disk", async () => {
    const before = await readdir(join(state, "jobs"));
    const form = singForm(fixtures);
    form.set("reference", new Blob([randomBytes(500_000)]), "big.wav");
    const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: form });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { message: string }).message).toMatch(/larger than this server takes \(400000 bytes/);
    expect((await readdir(join(state, "jobs"))).sort()).toEqual(before.sort());
  });

  it("that do not decode get 400 naming the field, whatever their name says", async () => {
    const form = singForm(fixtures);
    form.set("reference", new Blob([randomBytes(50_000)], { type: "audio/wav" }), "song.wav");
    form.set("vocals", new Blob([truncatedWav(fixtures.vocals, 100_000)]), "vocals.wav");
    form.set("instrumental", new Blob([truncatedWav(fixtures.instrumental, 100_000)]), "instrumental.wav");
    const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: form });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^reference: is not audio the server can decode/);
  });
});

describe("the host", () => {
  it("is loopback unless a token or --insecure is given", async () => {
    for (const host of ["0.0.0.0", "::", "192.168.1.10", "example.com"]) {
      await expect(startServer({ host, port: 0, state: join(root, "refused") })).rejects.toSatisfy(
        (error) => ServeOptionError.isInstance(error) && /^--host: .* is reachable from other machines: give --token/.test((error as Error).message),
      );
    }
    await expect(resolveServeOptions({ host: "0.0.0.0", token: "a-long-enough-token" })).resolves.toMatchObject({ host: "0.0.0.0" });
    await expect(resolveServeOptions({ host: "0.0.0.0", insecure: true })).resolves.toMatchObject({ insecure: true });
    await expect(resolveServeOptions({ host: "127.0.0.2" })).resolves.toMatchObject({ host: "127.0.0.2" });
  });
});
