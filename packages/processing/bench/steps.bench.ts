// Per-step throughput of the processing pipeline (× real time = seconds of audio processed per
// wall-clock second) on a small song-corpus partition with upstream's defaults (31 s chunks, 0.8
// occupancy), the embedded default codec and tokenizer, the truth oracle and an MDX-Net-contract
// model with random weights (its network is a 1×1 mask, so the figure is the adapter's cost:
// resampling, STFT, iSTFT), and an upstream-sized artist embedder with random weights.
// Anchor: upstream runs these steps on a GPU; ×1 is the floor for keeping up with the audio.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";

import {
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  artistEmbedderConfig,
  artistEmbedderParameterSpecs,
  openArtistEmbedderExport,
  writeArtistEmbedderExport,
} from "@autosing/artist-embedder";
import { createDefaultCodec, decodeAudio, firstChannel, fitDefaultCodec, resample } from "@autosing/audio-codec";
import { OnnxGraphBuilder, initializeParameters } from "@autosing/nn";
import { alignmentTable, alignmentWordSpans, indexTable, readTable, stepPath } from "@autosing/parquet-io";
import { createDefaultTokenizer, fitDefaultTokenizer } from "@autosing/semantic-tokens";
import { makeCorpus, truthTable } from "@autosing/song-corpus";

import { type StepResult, align, artistEmbs, atoks, createTruthSeparator, loadMdxOnnxSeparator, srcSep, stoks, vadExtract } from "../src/index.js";

const SONGS = Number(process.env.BENCH_SONGS ?? 3);
// Upstream's chunk search never returns a window at second 0, so a 31 s chunk needs a song of at least 62 s.
const SECONDS = Number(process.env.BENCH_SECONDS ?? 64);
const root = mkdtempSync(join(tmpdir(), "autosing-processing-bench-"));
const dataset = join(root, "dataset");

function report(label: string, result: StepResult): void {
  const speed = result.wallSeconds > 0 ? result.audioSeconds / result.wallSeconds : Number.NaN;
  console.log(
    `${label.padEnd(38)} ${String(result.rowsIn).padStart(3)} rows  ${result.audioSeconds.toFixed(1).padStart(6)} s audio  ${result.wallSeconds.toFixed(2).padStart(7)} s wall  ${speed.toFixed(1).padStart(7)}× real time`,
  );
}

try {
  console.log(`processing bench — ${cpus()[0]?.model ?? "cpu"} × ${cpus().length}, load average ${loadavg()[0]?.toFixed(2)}`);
  console.log(`corpus: ${SONGS} synthetic songs of ${SECONDS} s (song-corpus seed 7), one partition`);
  await makeCorpus(dataset, { songs: SONGS, partitions: 1, seed: 7, seconds: SECONDS, format: "flac" });

  const r1 = await align(dataset, 0);
  report("align (DTW default, LRC, mix)", r1);
  const truth = await readTable(stepPath(dataset, 0, "truth"), truthTable, { columns: ["id", "word_starts"] });
  const errors: number[] = [];
  for (const row of await readTable(stepPath(dataset, 0, "alignment"), alignmentTable)) {
    const expected = truth.find((t) => t.id === row.id)?.word_starts;
    if (row.alignment === null || expected === undefined) continue;
    alignmentWordSpans(row.alignment).starts.forEach((s, i) => errors.push(Math.abs(s - (expected[i] ?? Number.NaN))));
  }
  errors.sort((a, b) => a - b);
  console.log(`  word-onset error on the mix: median ${errors[Math.floor(errors.length / 2)]?.toFixed(3)} s, ≤ 250 ms ${((100 * errors.filter((e) => e <= 0.25).length) / errors.length).toFixed(0)} % of ${errors.length} words`);

  report("vad_extract (energy, 31 s, flac→wav)", await vadExtract(dataset, 0));

  const truthSeparator = await createTruthSeparator(dataset, 0);
  report("src_sep (truth oracle)", await srcSep(dataset, 0, { separator: truthSeparator }));
  await truthSeparator.dispose();

  const graph = new OnnxGraphBuilder("mdx_mask");
  graph.addInput("input", "float32", ["batch", 4, 2048, 256]);
  graph.addInitializer("w", Float32Array.from({ length: 16 }, (_, i) => Math.sin(i) * 0.05), [4, 4, 1, 1]);
  graph.addNode("Conv", ["input", "w"], ["logits"]);
  graph.addNode("Sigmoid", ["logits"], ["mask"]);
  graph.addNode("Mul", ["input", "mask"], ["output"]);
  graph.addOutput("output", "float32", ["batch", 4, 2048, 256]);
  const mdx = await loadMdxOnnxSeparator(graph.toBytes(), { threads: 1 });
  report("src_sep (MDX adapter, 1×1 mask net)", await srcSep(dataset, 0, { separator: mdx, force: true }));
  await mdx.dispose();
  // Put the truth stems back for the token steps.
  const again = await createTruthSeparator(dataset, 0);
  await srcSep(dataset, 0, { separator: again, force: true });
  await again.dispose();

  const index = await readTable(stepPath(dataset, 0, "index"), indexTable, { columns: ["audio"] });
  const clips = await Promise.all(index.map(async (row) => firstChannel(await decodeAudio(row.audio))));
  const codec = createDefaultCodec(await fitDefaultCodec(clips, { config: { codebookSize: 256 }, iterations: 5, seed: 1 }));
  for (const source of ["vocals", "no_vocals"] as const) report(`atoks ${source} (default codec)`, await atoks(dataset, 0, { codec, source }));

  // The tokenizer fits on at most 30 s per clip.
  const clips16k = await Promise.all(clips.map(async (clip) => (await resample(clip, 32000, 16000)).subarray(0, 30 * 16000)));
  const tokenizer = createDefaultTokenizer(fitDefaultTokenizer(clips16k, { codes: 256, iterations: 5, seed: 1 }));
  report("stoks (default tokenizer)", await stoks(dataset, 0, { tokenizer }));

  const config = artistEmbedderConfig(16);
  const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
  await writeArtistEmbedderExport({ config, tunables, weights: initializeParameters(artistEmbedderParameterSpecs(config, tunables), 1) }, join(root, "embedder"));
  const embedder = await openArtistEmbedderExport(join(root, "embedder"));
  report("artist_embs (upstream size, random)", await artistEmbs(dataset, 0, { embedder, codec: "default" }));
  await embedder.release();
  console.log(`load average after: ${loadavg()[0]?.toFixed(2)}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
