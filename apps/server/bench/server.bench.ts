// Requests/s of GET /api/health and GET /api/jobs/:id (autocannon), and one sing job's wall time
// through the server (submit → done, warm worker) against the same job through `sing()` in this
// process: loading the models each run (what `autosing sing` does) and on models loaded once.
// Tiny random-weight models, --length 1.6, batch 1 (the tests' job). Overhead goal: ≤ 5 %.
// Usage: pnpm --filter @autosing/server bench   [BENCH_SECONDS=5] [BENCH_RUNS=5]
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { loadSingModels, sing, type SingOptions } from "@autosing/sing";
import autocannon from "autocannon";

import { startServer } from "../src/index.js";
import { resolveServerModels, singNetworks } from "../src/jobs/sing-models.js";
import { readEvents } from "../test/helpers/job-client.js";
import { makeSingFixtures, singForm } from "../test/helpers/sing-fixtures.js";

const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const runs = Number(process.env.BENCH_RUNS ?? 5);

async function requestsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return result.requests.average;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;

const root = await mkdtemp(join(tmpdir(), "autosing-server-bench-"));
const server = await (async () => {
  const fixtures = await makeSingFixtures(root);
  const started = await startServer({ port: 0, models: fixtures.models, state: join(root, "state"), workers: 1, log: () => undefined });
  return { fixtures, started };
})();
try {
  const { fixtures, started } = server;
  const url = started.url;
  console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(" ")} (figures are ratios of one run on a shared machine)`);

  // The same job three ways, interleaved so the machine's load changes hit each alike: through
  // the server (a warm worker), through sing() loading the models, through sing() on loaded models.
  for (const [name, bytes] of [["reference.wav", fixtures.reference], ["vocals.wav", fixtures.vocals], ["instrumental.wav", fixtures.instrumental]] as const) await writeFile(join(root, name), bytes);
  const paths = singNetworks(await resolveServerModels(fixtures.models));
  const options: SingOptions = {
    ...paths,
    reference: join(root, "reference.wav"),
    vocals: join(root, "vocals.wav"),
    instrumental: join(root, "instrumental.wav"),
    lyrics: "hello there\nsing it again",
    length: 1.6,
    batchSize: 1,
    seed: 3,
    outputDir: join(root, "direct"),
  };
  const throughServer = async (): Promise<string> => {
    const response = await fetch(`${url}/api/sing`, { method: "POST", body: singForm(fixtures) });
    const { id } = (await response.json()) as { id: string };
    // The event stream ends the moment the job is finished (polling would add up to its interval).
    const job = (await readEvents(url, id)).at(-1);
    if (job?.state !== "done") throw new Error(`job ${id} ${job?.state ?? "?"}: ${job?.error ?? ""}`);
    return id;
  };
  const timed = async (work: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await work();
    return (performance.now() - t0) / 1000;
  };
  // One job first, so the worker has its models loaded.
  const lastId = await throughServer();
  const serverSeconds: number[] = [];
  const coldSeconds: number[] = [];
  const warmSeconds: number[] = [];
  const models = await loadSingModels({ ...paths, tokenizer: undefined, threads: undefined, generateSemantic: true });
  try {
    for (let i = 0; i < runs; i++) {
      serverSeconds.push(await timed(throughServer));
      coldSeconds.push(await timed(() => sing(options)));
      warmSeconds.push(await timed(() => sing(options, { models })));
    }
  } finally {
    await models.dispose();
  }
  const health = await requestsPerSecond(`${url}/api/health`);
  const job = await requestsPerSecond(`${url}/api/jobs/${lastId}`);
  const through = median(serverSeconds);
  const cold = median(coldSeconds);
  const warm = median(warmSeconds);
  console.log("| measure | value |\n|---|---|");
  console.log(`| GET /api/health | ${health.toFixed(0)} requests/s |`);
  console.log(`| GET /api/jobs/:id | ${job.toFixed(0)} requests/s |`);
  console.log(`| sing job through the server (submit → done, warm worker; median of ${runs}) | ${through.toFixed(3)} s |`);
  console.log(`| sing() loading the models (as autosing sing does) | ${cold.toFixed(3)} s → server/direct ${(through / cold).toFixed(3)} |`);
  console.log(`| sing() on models loaded once | ${warm.toFixed(3)} s → server overhead ${(((through - warm) / warm) * 100).toFixed(1)} % |`);
} finally {
  await server.started.close();
  await rm(root, { recursive: true, force: true });
}
