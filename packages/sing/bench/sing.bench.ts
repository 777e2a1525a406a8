// Time per stage of `sing` on tiny random-weight models (`BENCH_PROFILE`):
//   test      the test fixtures: tiny heads (8), 96 music frames, --length 1.6 (what the tests run)
//   upstream  t2s micro / sm2a tiny at upstream shapes (64-wide heads, 632 music steps = 30 s,
//             900 text bytes, 832-frame artist windows), --length 15, batch 1: the real workload
//             of the smallest models (the artist embedder stays tiny: depth 1).
// Usage: pnpm --filter @autosing/sing bench  [BENCH_PROFILE=test|upstream|both] [BENCH_THREADS=1]
import { mkdtemp, rm } from "node:fs/promises";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import { SING_STAGES, type SingOptions, sing } from "../src/index.js";
import { writeTinySingModels } from "../src/testing.js";
import { makeSingFixtures } from "../test/fixtures.js";

const profile = process.env.BENCH_PROFILE ?? "both";
const threads = Number(process.env.BENCH_THREADS ?? 1);

async function run(label: string, options: SingOptions): Promise<void> {
  let steps = { semantic: 0, acoustic: 0 };
  const started = performance.now();
  const result = await sing({
    ...options,
    onProgress: (event) => {
      if (event.kind === "step") steps = { ...steps, [event.stage]: event.total };
    },
  });
  const total = (performance.now() - started) / 1000;
  console.log(`\n${label}: ${result.seconds.toFixed(2)} s of output, ${result.files.length} file(s), ${threads} onnxruntime thread(s), load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log("| stage | seconds | note |\n|---|---|---|");
  for (const stage of SING_STAGES) {
    const seconds = result.timings[stage] ?? 0;
    const note = stage === "semantic" ? `${steps.semantic} t2s steps, ${((seconds / Math.max(steps.semantic, 1)) * 1000).toFixed(1)} ms/step` : stage === "acoustic" ? `${steps.acoustic} sm2a steps, ${((seconds / Math.max(steps.acoustic, 1)) * 1000).toFixed(1)} ms/step` : "";
    console.log(`| ${stage} | ${seconds.toFixed(2)} | ${note} |`);
  }
  console.log(`| total | ${total.toFixed(2)} | ${(result.seconds / total).toFixed(3)}× real time |`);
}

const root = await mkdtemp(join(tmpdir(), "autosing-sing-bench-"));
try {
  const fixtures = await makeSingFixtures(root);
  const base = {
    reference: fixtures.reference,
    lyrics: "hello there, sing it again\nsecond line of the song",
    codec: fixtures.codec,
    vocals: fixtures.vocals,
    instrumental: fixtures.instrumental,
    batchSize: 1,
    threads,
    outputDir: join(root, "out"),
  };
  if (profile === "test" || profile === "both") {
    await run("test profile (tiny heads, --length 1.6)", { ...base, t2sModel: fixtures.models.t2s, sm2aModel: fixtures.models.sm2a, artistModel: fixtures.models.artist, length: 1.6, startTime: 1 });
  }
  if (profile === "upstream" || profile === "both") {
    // The 9 s test song is too short for 30 s of music: render a longer one.
    const { makeLongFixtures } = await import("./long-fixtures.js");
    const long = await makeLongFixtures(join(root, "long"), 34);
    const models = await writeTinySingModels(join(root, "upstream-models"), { headWidth: 64, ffnMult: 4, mtoksLength: 632, artistWindow: 832, textLength: 900 });
    await run("upstream shapes (t2s micro, sm2a tiny, --length 15)", { ...base, ...long, t2sModel: models.t2s, sm2aModel: models.sm2a, artistModel: models.artist, length: 15 });
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
