// The embedded queue's store, file per job: 1000 submissions (one atomic job.json each: temporary
// file, fsync, rename), reading them back as a restart does, and a get (in memory after load).
// Usage: node --import tsx bench/job-store.bench.ts [BENCH_JOBS=1000]
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import type { JobRecord } from "../src/jobs/job.js";
import { newJobId } from "../src/jobs/job-id.js";
import { JobStore } from "../src/jobs/job-store.js";

const jobs = Number(process.env.BENCH_JOBS ?? 1000);
const root = await mkdtemp(join(tmpdir(), "autosing-job-store-bench-"));
try {
  const store = new JobStore(root);
  const record = (id: string): JobRecord => ({ id, input: { kind: "sing", reference: { kind: "upload", file: "reference.upload", vocals: "vocals.upload", instrumental: "instrumental.upload" }, lyrics: "first line\nsecond line", length: 15, batchSize: 8, seed: 0 }, state: "queued", progress: null, outputs: [], error: null, attempts: 0, createdAt: new Date().toISOString(), startedAt: null, finishedAt: null });
  let t0 = performance.now();
  for (let i = 0; i < jobs; i++) await store.write(record(newJobId()));
  const sequential = performance.now() - t0;
  t0 = performance.now();
  await Promise.all(Array.from({ length: jobs }, () => store.write(record(newJobId()))));
  const concurrent = performance.now() - t0;
  t0 = performance.now();
  const loaded = await store.loadAll(() => undefined);
  const load = performance.now() - t0;
  const byId = new Map(loaded.map((r) => [r.id, r]));
  t0 = performance.now();
  for (const r of loaded) byId.get(r.id);
  const get = performance.now() - t0;
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(`| ${jobs} jobs | ms | per job |\n|---|---|---|`);
  console.log(`| submit, one at a time | ${sequential.toFixed(0)} | ${(sequential / jobs).toFixed(2)} ms |`);
  console.log(`| submit, all at once | ${concurrent.toFixed(0)} | ${(concurrent / jobs).toFixed(2)} ms |`);
  console.log(`| restart: read all ${loaded.length} back | ${load.toFixed(0)} | ${(load / loaded.length).toFixed(3)} ms |`);
  console.log(`| get (in memory) | ${get.toFixed(2)} | ${((get / loaded.length) * 1000).toFixed(2)} µs |`);
} finally {
  await rm(root, { recursive: true, force: true });
}
