// Speed of `autosing import bn-whisper` and of the model it writes, on onnxruntime-node (CPU),
// next to the same work by upstream PyTorch on the same machine. The real configuration
// (whisper-small-sized encoder: 768 wide, 12 heads, 12 layers; bn_whisper's bottleneck: 2048
// codes × 64) with seeded random weights (speed does not depend on values) is written as
// safetensors copies, imported (time, peak RSS), and one 30 s signal is tokenized (log-mel + graph,
// through loadBnWhisperOnnx) — 750 tokens per run, reported as × real time. Then
// bench/bn-whisper-torch.py runs upstream's whisper.log_mel_spectrogram + BNWhisper.encode_mel
// on the same files and signal under /usr/bin/python3 (skipped with a line when torch is absent),
// and the two token sequences are compared.
// Run: pnpm --filter @autosing/pretrained bench [-- --repeats 3 --threads 2 --python /usr/bin/python3]
import { spawnSync } from "node:child_process";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";
import { loadBnWhisperOnnx } from "@autosing/semantic-tokens";

import { BN_WHISPER_IMPORTER } from "../src/index.js";
import { writeBenchSources } from "./bn-whisper-weights.js";
import { benchOption, benchPython, benchThreads, median, mib, peakRss } from "./bench-options.js";

const repeats = Number(benchOption("repeats", "3"));
const threads = benchThreads;
const python = benchPython;
const SECONDS = 30;
const RATE = 16000;


/** 30 s of a seeded singing-like test signal: a vibrato tone with harmonics, a chirp, noise. */
function testSignal(): Float32Array {
  const random = new Mulberry32(7);
  const out = new Float32Array(SECONDS * RATE);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * 220 * 2 ** (0.5 * Math.sin(2 * Math.PI * 0.7 * t))) / RATE;
    const voice = Math.sin(phase) + Math.sin(2 * phase) / 2 + Math.sin(3 * phase) / 3;
    const chirp = Math.sin(2 * Math.PI * (300 * t + 20 * t * t));
    out[i] = (0.5 + 0.5 * Math.sin(2 * Math.PI * 1.3 * t) ** 2) * (0.25 * voice + 0.1 * chirp + 0.03 * random.gaussian());
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), "bn-whisper-bench-"));
try {
  let started = performance.now();
  const sources = writeBenchSources(dir);
  console.log(`bn-whisper bench: real configuration, random weights; sources ${mib(sources.bytes)} written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const outputDir = await mkdtemp(join(dir, "out-"));
  const rssBefore = peakRss();
  started = performance.now();
  const imported = await BN_WHISPER_IMPORTER.run([sources.rvq, sources.whisper], {}, { outputDir, log: () => undefined });
  const importSeconds = (performance.now() - started) / 1000;
  const modelPath = join(outputDir, imported.files.model ?? "");
  const modelBytes = (await stat(modelPath)).size;
  console.log(`import: ${importSeconds.toFixed(1)} s, model.onnx ${mib(modelBytes)}, peak RSS ${mib(peakRss())} (${mib(rssBefore)} before importing)`);

  const audio = testSignal();
  const tokenizer = await loadBnWhisperOnnx(modelPath, { threads });
  let tokens = await tokenizer.encode(audio);
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    started = performance.now();
    tokens = await tokenizer.encode(audio);
    times.push((performance.now() - started) / 1000);
  }
  await tokenizer.dispose();
  const ours = median(times);
  console.log(`autosing (onnxruntime-node): ${tokens.length} tokens per 30 s in ${ours.toFixed(2)} s (median of ${repeats}) = ${(SECONDS / ours).toFixed(1)}× real time; peak RSS ${mib(peakRss())}`);

  const audioPath = join(dir, "audio.f32");
  await writeFile(audioPath, new Uint8Array(audio.buffer));
  const script = join(import.meta.dirname, "bn-whisper-torch.py");
  const upstream = spawnSync(python, [script, sources.rvq, sources.whisper, audioPath, String(repeats), String(threads)], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (upstream.error !== undefined || upstream.status !== 0) {
    const reason = upstream.error?.message ?? upstream.stderr.trim().split("\n").slice(-1)[0] ?? `exit ${upstream.status}`;
    console.log(`upstream PyTorch: skipped (${python} could not run it: ${reason})`);
  } else {
    const result = JSON.parse(upstream.stdout.trim().split("\n").slice(-1)[0] ?? "{}") as { seconds: number[]; tokens: number[]; threads: number; peak_rss: number; torch: string };
    const theirs = median(result.seconds);
    let same = 0;
    for (let i = 0; i < tokens.length; i++) if (tokens[i] === result.tokens[i]) same++;
    console.log(`upstream PyTorch ${result.torch} (CPU, ${result.threads} threads): ${result.tokens.length} tokens in ${theirs.toFixed(2)} s = ${(SECONDS / theirs).toFixed(1)}× real time; peak RSS ${mib(result.peak_rss)}`);
    console.log(`autosing / PyTorch speed: ${(theirs / ours).toFixed(2)}×; tokens identical on ${((100 * same) / tokens.length).toFixed(1)} % of frames`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
