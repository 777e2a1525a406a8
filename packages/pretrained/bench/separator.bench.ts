// Speed of `autosing import separator` and of the separator it writes (onnxruntime-node, CPU) next
// to upstream PyTorch on the same machine. bench/separator_torch.py writes the real configuration
// of model_mel_band_roformer_ep_3005_sdr_11.4360 (dim 384, depth 12, 60 bands; seeded random
// weights: speed does not depend on values) as the fork publishes it; the checkpoint is imported
// (time, peak RSS), an 8 s stereo 44.1 kHz signal (one 8 s chunk; --seconds 16 for two at the 8 s overlap) is
// separated through loadRoformerSeparator and through the fork's MDXCSeparator.demix, reported as
// × real time, and the two vocal stems compared.
// Run: pnpm --filter @autosing/pretrained bench, or alone:
//   node --import tsx bench/separator.bench.ts [--seconds 8 --threads 2 --python /usr/bin/python3]
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";
import { demixPlan, loadRoformerSeparator } from "@autosing/separation";

import { SEPARATOR_IMPORTER, melBandLayout, readRoformerYaml } from "../src/index.js";
import { benchOption, benchPython, benchThreads } from "./bench-options.js";
import { boundLine, measureMatmulGflops, melBandRoformerFlops } from "./flops-bound.js";

const seconds = Number(benchOption("seconds", "8"));
const threads = benchThreads;
const python = benchPython;
const RATE = 44_100;
const root = new URL("..", import.meta.url).pathname;
const pythonPath = ["/work/upstream/python-audio-separator", "/work/upstream/rotary-embedding-torch-0.6.5", "/work/upstream/einops-0.8.0"].join(":");

function runTorch(dir: string, mode: "write" | "run"): boolean {
  const result = spawnSync(python, [join(root, "bench", "separator_torch.py"), dir, String(threads), mode], { stdio: "inherit", env: { ...process.env, PYTHONPATH: pythonPath } });
  return result.status === 0;
}

const dir = await mkdtemp(join(tmpdir(), "separator-bench-"));
try {
  if (!runTorch(dir, "write")) {
    console.log(`separator bench: ${python} could not build the upstream model (torch and the fork's sources are needed); skipped`);
    process.exit(0);
  }
  const random = new Mulberry32(11);
  const length = seconds * RATE;
  const mix = [0, 1].map((c) => Float32Array.from({ length }, (_, i) => 0.3 * Math.sin((2 * Math.PI * (220 + 110 * c) * i) / RATE) + 0.05 * (random.next() * 2 - 1)));
  const flat = new Float32Array(2 * length);
  mix.forEach((channel, c) => flat.set(channel, c * length));
  await writeFile(join(dir, "mix.f32"), new Uint8Array(flat.buffer));

  const output = await mkdtemp(join(dir, "imported-"));
  const started = performance.now();
  await SEPARATOR_IMPORTER.run([join(dir, "model_mel_band_roformer_bench.ckpt"), join(dir, "model_mel_band_roformer_bench.yaml")], {}, { outputDir: output, log: (line) => console.log(line) });
  console.log(`import: ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  const separator = await loadRoformerSeparator(output, { threads });
  const t0 = performance.now();
  const { vocals } = await separator.separate({ id: "bench_at_0", audio: { sampleRate: RATE, channels: mix } });
  const ours = (performance.now() - t0) / 1000;
  await separator.dispose();
  console.log(`autosing (onnxruntime, ${threads} threads): ${ours.toFixed(1)} s for ${seconds} s = ${(seconds / ours).toFixed(2)}× real time, peak RSS (import and separation) ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
  const yaml = await readRoformerYaml(join(dir, "model_mel_band_roformer_bench.yaml"));
  const chunk = yaml.hopLength * (yaml.dimT - 1);
  const chunks = demixPlan(length, chunk, Math.trunc(8 * RATE)).chunks.length;
  if (yaml.variant.kind !== "mel-band-roformer") throw new Error("the bench YAML must be a Mel-Band RoFormer");
  const perChunk = melBandRoformerFlops(yaml.variant.model, melBandLayout(yaml.variant.model), yaml.dimT);
  console.log(`${chunks} chunks of ${(perChunk / 1e9).toFixed(0)} GFLOP; ${boundLine((chunks * perChunk) / 1e9, await measureMatmulGflops(threads), ours, seconds)}`);
  if (runTorch(dir, "run")) {
    const torch = JSON.parse(await readFile(join(dir, "torch.json"), "utf8")) as { seconds: number };
    const bytes = await readFile(join(dir, "torch-vocals.f32"));
    const reference = new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
    let diff = 0;
    let scale = 0;
    vocals.channels.forEach((channel, c) => channel.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(v - reference[c * length + i]!));
      scale = Math.max(scale, Math.abs(reference[c * length + i]!));
    }));
    console.log(`upstream PyTorch CPU (${threads} threads): ${torch.seconds.toFixed(1)} s = ${(seconds / torch.seconds).toFixed(2)}× real time; vocals max |Δ| / max |ref| = ${(diff / scale).toExponential(2)}`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
