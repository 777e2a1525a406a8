import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type RunningServer, startServer } from "../src/index.js";
import { waitForJob } from "./helpers/job-client.js";
import { sharedSingFixtures } from "./helpers/shared-sing-fixtures.js";
import { type SingFixtures, singForm } from "./helpers/sing-fixtures.js";

const SUBMISSIONS = 50;
const BACKLOG = 4;

let root: string;
let fixtures: SingFixtures;
let server: RunningServer;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-server-load-"));
  fixtures = await sharedSingFixtures();
  server = await startServer({ port: 0, models: fixtures.models, state: join(root, "state"), workers: 1, backlog: BACKLOG, log: () => undefined });
});

afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

describe(`${SUBMISSIONS} concurrent sing submissions`, () => {
  it("are each accepted (202) or told 429 with Retry-After; every accepted job is done; memory stays bounded", async () => {
    const rssBefore = process.memoryUsage().rss;
    const answers = await Promise.all(
      Array.from({ length: SUBMISSIONS }, async (_, i) => {
        const response = await fetch(`${server.url}/api/sing`, { method: "POST", body: singForm(fixtures, { seed: String(i) }) });
        const body = (await response.json()) as { id?: string; message?: string };
        return { status: response.status, retryAfter: response.headers.get("retry-after"), ...body };
      }),
    );
    const accepted = answers.filter((answer) => answer.status === 202);
    const refused = answers.filter((answer) => answer.status === 429);
    expect(accepted.length + refused.length, JSON.stringify(answers.filter((a) => a.status !== 202 && a.status !== 429))).toBe(SUBMISSIONS);
    // The backlog holds BACKLOG waiting jobs; the worker may take one or two while the uploads arrive.
    expect(accepted.length).toBeGreaterThanOrEqual(BACKLOG);
    expect(accepted.length).toBeLessThanOrEqual(BACKLOG + 3);
    for (const answer of refused) {
      expect(Number(answer.retryAfter)).toBeGreaterThanOrEqual(1);
      expect(answer.message).toMatch(/queue is full/);
    }
    const jobs = await Promise.all(accepted.map((answer) => waitForJob(server.url, answer.id ?? "")));
    expect(jobs.map((job) => job.state)).toEqual(accepted.map(() => "done"));
    expect(jobs.every((job) => job.outputs.length === 1)).toBe(true);
    // The uploads went to disk as they arrived: the HTTP process grew by far less than 50 × 3 files would take in memory twice over.
    const grownMb = (process.memoryUsage().rss - rssBefore) / 1e6;
    expect(grownMb).toBeLessThan(400);
    const health = (await (await fetch(`${server.url}/api/health`)).json()) as { queue: { queued: number; running: number } };
    expect(health.queue).toMatchObject({ queued: 0, running: 0 });
  }, 120_000);
});
