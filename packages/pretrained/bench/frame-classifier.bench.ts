// Speed of `autosing import frame-classifier` and of the model it writes, on onnxruntime-node (CPU),
// next to upstream PyTorch on the same machine. The real configuration of a base-size wav2vec2
// frame classifier (Wav2Vec2ForCTC: 7 group-norm convs of 512, 768 wide, 12 heads, 12 post-LN
// layers, positional conv 128 / 16 groups, 42 classes as charsiu's phone set) with seeded random
// weights (speed does not depend on values) is written as config.json + model.safetensors,
// imported (time, peak RSS), and one 30 s chunk — what upstream feeds at a time — is classified,
// reported as × real time. Then bench/frame-classifier-torch.py runs AutoSing's fc_model.py over
// transformers' wav2vec2 on the same files and chunk under /usr/bin/python3 (skipped with a line
// when torch or the transformers sources are absent), and the per-frame argmax is compared.
// Run: pnpm --filter @autosing/pretrained bench [-- --repeats 3 --threads 2 --python /usr/bin/python3 --wav2vec2 <dir>]
import { spawnSync } from "node:child_process";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";
import { float32Tensor, openOnnxSession } from "@autosing/onnx";
import { writeSafetensors } from "@autosing/safetensors";

import { FRAME_CLASSIFIER_IMPORTER, parseWav2Vec2Config, wav2vec2Shapes } from "../src/index.js";
import { benchOption, benchPython, benchThreads, median, mib, peakRss } from "./bench-options.js";
import { boundLine, measureMatmulGflops, wav2vec2Flops } from "./flops-bound.js";

const repeats = Number(benchOption("repeats", "3"));
const threads = benchThreads;
const python = benchPython;
const wav2vec2 = benchOption("wav2vec2", "/tmp/hf/whl/transformers/models/wav2vec2");
const SECONDS = 30;
const RATE = 16000;


/** Wav2Vec2Config for facebook/wav2vec2-base with a 42-class CTC head (what fc_model.py loads). */
const CONFIG = { model_type: "wav2vec2", vocab_size: 42, architectures: ["Wav2Vec2ForFrameClassification"], mask_time_prob: 0.05 };

/** Seeded weights at the scale a trained network has (unit norms, uniform ±√(3 / fan-in) matrices). */
function randomStateDict(): Map<string, { shape: number[]; data: Float32Array }> {
  const random = new Mulberry32(11);
  const shapes = wav2vec2Shapes(parseWav2Vec2Config(CONFIG, "config.json"), "lm_head", "weight_g");
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [key, shape] of shapes) {
    const size = shape.reduce((a, b) => a * b, 1);
    const fanIn = shape.length > 1 ? size / (shape[0] ?? 1) : 1;
    const data = new Float32Array(size);
    const unit = key.endsWith("norm.weight") || key.endsWith("weight_g");
    const bound = key.endsWith(".bias") ? 0.02 : unit ? 0.1 : Math.sqrt(3 / fanIn);
    for (let i = 0; i < size; i++) data[i] = (unit ? 1 : 0) + bound * (2 * random.next() - 1);
    out.set(key, { shape: [...shape], data });
  }
  return out;
}

function testSignal(): Float32Array {
  const random = new Mulberry32(7);
  const out = new Float32Array(SECONDS * RATE);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    phase += (2 * Math.PI * 220 * 2 ** (0.5 * Math.sin(2 * Math.PI * 0.7 * t))) / RATE;
    out[i] = 0.25 * (Math.sin(phase) + Math.sin(2 * phase) / 2) + 0.03 * (2 * random.next() - 1);
  }
  return out;
}

const dir = await mkdtemp(join(tmpdir(), "frame-classifier-bench-"));
try {
  let started = performance.now();
  const source = join(dir, "source");
  await mkdir(source);
  await writeFile(join(source, "config.json"), JSON.stringify(CONFIG));
  await writeFile(join(source, "model.safetensors"), writeSafetensors(randomStateDict()));
  const sourceBytes = (await stat(join(source, "model.safetensors"))).size;
  console.log(`frame-classifier bench: wav2vec2-base configuration, random weights; model.safetensors ${mib(sourceBytes)} written in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  const outputDir = await mkdtemp(join(dir, "out-"));
  const rssBefore = peakRss();
  started = performance.now();
  const imported = await FRAME_CLASSIFIER_IMPORTER.run([source], {}, { outputDir, log: () => undefined });
  console.log(`import: ${((performance.now() - started) / 1000).toFixed(1)} s, peak RSS ${mib(peakRss())} (${mib(rssBefore)} before importing)`);

  const audio = testSignal();
  const session = await openOnnxSession(join(outputDir, imported.files.model ?? ""), { threads });
  const run = async (): Promise<{ data: Float32Array; dims: readonly number[] }> => {
    const out = (await session.run({ input_values: float32Tensor(audio, [1, audio.length]) })).logits!;
    return { data: out.data as Float32Array, dims: out.dims };
  };
  let result = await run();
  const times: number[] = [];
  for (let k = 0; k < repeats; k++) {
    started = performance.now();
    result = await run();
    times.push((performance.now() - started) / 1000);
  }
  await session.release();
  const [, frames = 0, classes = 1] = result.dims;
  const argmax = Array.from({ length: frames }, (_, f) => {
    let best = 0;
    for (let c = 1; c < classes; c++) if (result.data[f * classes + c]! > result.data[f * classes + best]!) best = c;
    return best;
  });
  const ours = median(times);
  console.log(`autosing (onnxruntime-node, ${threads} threads): ${frames} frames per 30 s in ${ours.toFixed(2)} s (median of ${repeats}) = ${(SECONDS / ours).toFixed(1)}× real time; peak RSS ${mib(peakRss())}`);
  const { flops } = wav2vec2Flops(parseWav2Vec2Config(CONFIG, "config.json"), audio.length, classes);
  console.log(boundLine(flops / 1e9, await measureMatmulGflops(threads), ours, SECONDS));

  const audioPath = join(dir, "audio.f32");
  await writeFile(audioPath, new Uint8Array(audio.buffer));
  const script = join(import.meta.dirname, "frame-classifier-torch.py");
  const upstream = spawnSync(python, [script, source, audioPath, String(repeats), String(threads), wav2vec2], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (upstream.error !== undefined || upstream.status !== 0) {
    const reason = upstream.error?.message ?? upstream.stderr.trim().split("\n").slice(-1)[0] ?? `exit ${upstream.status}`;
    console.log(`upstream PyTorch: skipped (${python} could not run it: ${reason})`);
  } else {
    const theirs = JSON.parse(upstream.stdout.trim().split("\n").slice(-1)[0] ?? "{}") as { seconds: number[]; argmax: number[]; threads: number; peak_rss: number; torch: string };
    const seconds = median(theirs.seconds);
    const same = argmax.filter((c, i) => c === theirs.argmax[i]).length;
    console.log(`upstream PyTorch ${theirs.torch} (CPU, ${theirs.threads} threads): ${theirs.argmax.length} frames in ${seconds.toFixed(2)} s = ${(SECONDS / seconds).toFixed(1)}× real time; peak RSS ${mib(theirs.peak_rss)}`);
    console.log(`autosing / PyTorch speed: ${(seconds / ours).toFixed(2)}×; argmax identical on ${((100 * same) / frames).toFixed(1)} % of frames`);
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
