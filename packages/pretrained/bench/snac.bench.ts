// `autosing import snac` at the real size: full SNAC 32 kHz (hubertsiuzdak/snac_32khz's config,
// seeded random weights built here), imported from config.json + model.safetensors, then encode
// and decode × real time of ~10 s of audio on onnxruntime-node, peak RSS, and — in the same run —
// upstream PyTorch (snac 1.2.0 on /usr/bin/python3) doing the same work with the same threads,
// skipped with a line when torch is absent. Speed does not depend on the weights' values.
// Run: pnpm --filter @autosing/pretrained bench [-- --seconds 10 --threads 2 --repeats 2]
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { loadCodec } from "@autosing/audio-codec";
import { mulberry32 } from "@autosing/base";
import { type StateDict, writeSafetensors } from "@autosing/safetensors";

import { SNAC_IMPORTER, parseSnacConfig, snacTensorSpecs } from "../src/index.js";

const SNAC_32KHZ_CONFIG = {
  sampling_rate: 32000,
  encoder_dim: 64,
  encoder_rates: [2, 3, 8, 8],
  decoder_dim: 1536,
  decoder_rates: [8, 8, 3, 2],
  attn_window_size: 32,
  codebook_size: 4096,
  codebook_dim: 8,
  vq_strides: [8, 4, 2, 1],
  noise: true,
  depthwise: true,
};

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : Number(process.argv[i + 1]);
}
const seconds = flag("seconds", 10);
const threads = flag("threads", 2);
const repeats = flag("repeats", 2);
const rssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

/** A state dict in the weight_g/weight_v key style with values that keep activations finite. */
function randomSnacWeights(): { state: StateDict; parameters: number } {
  const random = mulberry32(32);
  const state: StateDict = new Map();
  let parameters = 0;
  const fill = (key: string, shape: number[], value: () => number): void => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
    for (let i = 0; i < data.length; i++) data[i] = value();
    state.set(key, { shape, data });
    parameters += data.length;
  };
  for (const spec of snacTensorSpecs(parseSnacConfig(SNAC_32KHZ_CONFIG, "config.json"))) {
    const shape = [...spec.shape];
    if (spec.weightNorm) {
      const prefix = spec.key.slice(0, -"weight".length);
      fill(`${prefix}weight_g`, [shape[0]!, ...shape.slice(1).map(() => 1)], () => 0.5 + 0.5 * random());
      fill(`${prefix}weight_v`, shape, () => random() - 0.5);
    } else if (spec.key.endsWith("inv_freq")) {
      fill(spec.key, shape, (() => {
        let i = 0;
        return () => 1 / 10000 ** ((2 * i++) / 64);
      })());
    } else if (spec.key.endsWith("alpha") || spec.key.endsWith("norm.weight")) {
      fill(spec.key, shape, () => 0.5 + random());
    } else {
      fill(spec.key, shape, () => 0.1 * (random() - 0.5));
    }
  }
  return { state, parameters };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function timed(run: () => Promise<unknown>): Promise<number[]> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await run();
    times.push((performance.now() - start) / 1000);
  }
  return times;
}

const folder = mkdtempSync(join(tmpdir(), "snac-bench-"));
try {
  const source = join(folder, "snac_32khz");
  const output = join(folder, "imported");
  mkdirSync(source);
  mkdirSync(output);
  {
    const { state, parameters } = randomSnacWeights();
    writeFileSync(join(source, "config.json"), JSON.stringify(SNAC_32KHZ_CONFIG));
    writeFileSync(join(source, "model.safetensors"), writeSafetensors(state));
    console.log(`SNAC 32 kHz, real config, ${(parameters / 1e6).toFixed(1)} M random parameters (${((parameters * 4) / 1e6).toFixed(0)} MB float32); ${threads} threads; ~${seconds} s of audio`);
  }
  const rssBefore = rssMb();
  const start = performance.now();
  await SNAC_IMPORTER.run([source], {}, { outputDir: output, log: () => undefined });
  console.log(`import: ${((performance.now() - start) / 1000).toFixed(1)} s, peak RSS ${rssMb()} MB (${rssBefore} MB before the import, with the source state dict built)`);

  const codec = await loadCodec(`snac:${output}`, { threads });
  const samples = Math.floor((seconds * 32000) / codec.encodeMultiple) * codec.encodeMultiple;
  const random = mulberry32(5);
  const audio = Float32Array.from({ length: samples }, () => 0.1 * (random() - 0.5));
  const tokens = await codec.encode(audio);
  const encodeTimes = await timed(() => codec.encode(audio));
  const decodedSamples = (await codec.decode(tokens)).length;
  const decodeTimes = await timed(() => codec.decode(tokens));
  await codec.dispose();
  const ours = { encode: (samples / 32000) / median(encodeTimes), decode: (decodedSamples / 32000) / median(decodeTimes) };
  console.log(`onnxruntime: encode ${(samples / 32000).toFixed(2)} s in ${median(encodeTimes).toFixed(2)} s = ${ours.encode.toFixed(1)}× real time; decode ${(decodedSamples / 32000).toFixed(2)} s in ${median(decodeTimes).toFixed(2)} s = ${ours.decode.toFixed(1)}× real time; peak RSS ${rssMb()} MB`);

  const probe = spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status !== 0) {
    console.log("upstream PyTorch: skipped (/usr/bin/python3 -c 'import torch' failed)");
  } else {
    const upstream = process.env.SNAC_UPSTREAM ?? "/work/upstream/snac-1.2.0";
    const einops = process.env.EINOPS_UPSTREAM ?? "/work/upstream/einops-0.8.0";
    const result = spawnSync("/usr/bin/python3", [join(import.meta.dirname, "snac_torch.py"), JSON.stringify(SNAC_32KHZ_CONFIG), String(threads), String(samples), String(repeats)], {
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: `${upstream}:${einops}` },
    });
    if (result.status !== 0) {
      console.log(`upstream PyTorch: skipped (snac 1.2.0 did not run from ${upstream}: ${result.stderr.trim().split("\n").pop()})`);
    } else {
      const torch = JSON.parse(result.stdout.trim().split("\n").pop()!) as { encode: number[]; decode: number[]; decodedSamples: number };
      const theirs = { encode: (samples / 32000) / median(torch.encode), decode: (torch.decodedSamples / 32000) / median(torch.decode) };
      console.log(`upstream PyTorch ${threads} threads: encode ${median(torch.encode).toFixed(2)} s = ${theirs.encode.toFixed(1)}× real time; decode ${median(torch.decode).toFixed(2)} s = ${theirs.decode.toFixed(1)}× real time`);
      console.log(`onnxruntime / PyTorch speed: encode ${(ours.encode / theirs.encode).toFixed(2)}×, decode ${(ours.decode / theirs.decode).toFixed(2)}×`);
    }
  }
} finally {
  rmSync(folder, { recursive: true, force: true });
}
