import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";

import { openArtistEmbedderExport } from "@autosing/artist-embedder";
import { type AcousticCodec, createDefaultCodec, decodeAudio, firstChannel, fitDefaultCodec, loadCodec, resample, serializeDefaultCodec } from "@autosing/audio-codec";
import { chunkedTable, constructDataset, indexTable, mainTable, readTable, stemTable, stepPath } from "@autosing/parquet-io";
import { type StepResult, align, artistEmbs, atoks, srcSep, stoks, vadExtract } from "@autosing/processing";
import { type SemanticTokenizer, createDefaultTokenizer, fitDefaultTokenizer, loadDefaultTokenizer, serializeDefaultTokenizer } from "@autosing/semantic-tokens";
import { createTruthSeparator } from "@autosing/separation";
import { sing } from "@autosing/sing";
import { makeCorpus } from "@autosing/song-corpus";
import type { Command } from "commander";

import { runInProcess } from "../demo/in-process.js";
import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";

/** Two corpus partitions: the processing steps run per partition, as a cluster job array would. */
const PARTITIONS = 2;
const SONG_SECONDS = 20;
/** vad_extract never starts a chunk at second 0, so a 20 s song holds two 6 s chunks. */
const CHUNK_SECONDS = 6;
/** Centroids per level of the fitted default codec and codes of the fitted tokenizer: tiny, fast to fit. */
const CODEBOOK_SIZE = 32;
const SEMANTIC_CODES = 32;
/** Artist-embedder windows: 3 × 128 frames fit a 6 s chunk (480 frames). */
const ARTIST_WINDOW = 128;
/** Seconds sung: 416 decoding steps → 384 codec frames, 4 whole decoder blocks (4.608 s). */
const SING_SECONDS = 5;
const LYRICS = "when the candle is lucky\nwe follow the moon";

interface DemoFlags {
  out: string;
  songs: string;
  seed: string;
  steps: string;
}

function integerAtLeast(flag: string, text: string, min: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min) throw new CliError(`autosing demo: ${flag} must be an integer ≥ ${min}, got "${text}"`);
  return n;
}

/** The demo's folders under `--out`. */
export function demoLayout(out: string) {
  return {
    corpus: join(out, "corpus"),
    models: join(out, "models"),
    codec: join(out, "models", "codec.json"),
    tokenizer: join(out, "models", "tokenizer.json"),
    artistFile: join(out, "models", "artist_ids.json"),
    artistEmbedder: join(out, "models", "artist-embedder"),
    t2s: join(out, "models", "t2s"),
    sm2a: join(out, "models", "sm2a"),
    checkpoints: join(out, "checkpoints"),
    // "short" in the path: t2s reads 450 text bytes per row, as upstream's T2SDataset decides.
    dataset: join(out, "dataset-short"),
    sing: join(out, "sing"),
  };
}

function describeStep(result: StepResult): string {
  if (result.skipped) return "exists, skipped";
  const failed = result.failures.length > 0 ? `, ${result.failures.length} failed` : "";
  return `${result.rowsOut} rows${failed}`;
}

async function partitionAudio(dataset: string, table: "chunked" | "vocals"): Promise<Float32Array[]> {
  const clips: Float32Array[] = [];
  for (let p = 0; p < PARTITIONS; p++) {
    const schema = table === "chunked" ? chunkedTable : stemTable("vocals");
    for (const row of await readTable(stepPath(dataset, p, table), schema, { columns: ["audio"] })) clips.push(firstChannel(await decodeAudio(row.audio)));
  }
  return clips;
}

/** The default codec fitted on the chunks' mixes (as `autosing codec fit`), or the one fitted by an earlier run. */
async function demoCodec(dataset: string, file: string, seed: number): Promise<{ codec: AcousticCodec; fitted: boolean }> {
  if (!existsSync(file)) {
    const model = await fitDefaultCodec(await partitionAudio(dataset, "chunked"), { config: { codebookSize: CODEBOOK_SIZE }, iterations: 3, seed, search: "js", maxTrainingVectors: 4000 });
    await writeFile(file, await serializeDefaultCodec(model, "json"));
    return { codec: createDefaultCodec(model), fitted: true };
  }
  return { codec: await loadCodec(`default:${file}`), fitted: false };
}

/** The default semantic tokenizer fitted on the vocals at 16 kHz, or the one fitted by an earlier run. */
async function demoTokenizer(dataset: string, file: string, seed: number): Promise<{ tokenizer: SemanticTokenizer; fitted: boolean }> {
  if (!existsSync(file)) {
    const clips = await Promise.all((await partitionAudio(dataset, "vocals")).map((clip) => resample(clip, 32000, 16000)));
    const model = fitDefaultTokenizer(clips, { codes: SEMANTIC_CODES, iterations: 3, seed });
    await writeFile(file, serializeDefaultTokenizer(model));
    return { tokenizer: createDefaultTokenizer(model), fitted: true };
  }
  return { tokenizer: await loadDefaultTokenizer(file), fitted: false };
}

/** `{artist: class id}` over all partitions' chunks, in sorted order (the artist file of `autosing train artists`). */
async function numberArtists(dataset: string): Promise<Record<string, number>> {
  const artists = new Set<string>();
  for (let p = 0; p < PARTITIONS; p++) {
    for (const row of await readTable(stepPath(dataset, p, "chunked"), chunkedTable, { columns: ["artist"] })) if (row.artist) artists.add(row.artist);
  }
  return Object.fromEntries([...artists].sort().map((artist, i) => [artist, i]));
}

async function chunkIds(dataset: string): Promise<string[]> {
  const ids: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) for (const row of await readTable(stepPath(dataset, p, "chunked"), chunkedTable, { columns: ["id"] })) ids.push(row.id);
  return ids;
}

/** Training rows of the constructed dataset: every partition but 0 (validation). */
async function rowsIn(dataset: string): Promise<number> {
  let rows = 0;
  for (let p = 1; existsSync(stepPath(dataset, p, "main")); p++) rows += (await readTable(stepPath(dataset, p, "main"), mainTable(), { columns: ["id"] })).length;
  return rows;
}

interface TrainRun {
  out: string;
  checkpoints: string;
  seed: number;
  steps: number;
  log: (text: string) => void;
}

interface TrainSummary {
  steps: number;
  final_loss: number | null;
  model: string;
}

/**
 * `autosing train --task_name <task>` with batch `batchSize` over `rows` training rows: the
 * trainer counts epochs, not steps, so it runs enough whole epochs for at least `run.steps` steps.
 */
async function trainTask(run: TrainRun, task: string, taskArgs: object, datasetConfig: object, batchSize: number, rows: number): Promise<TrainSummary> {
  const epochs = Math.max(1, Math.ceil((run.steps * batchSize) / Math.max(1, rows)));
  const stdout = await runInProcess(
    [
      "train", "--task_name", task, "--task_args", JSON.stringify(taskArgs),
      "--dataset-config", JSON.stringify(datasetConfig),
      "--tunables", '{"lr0": 1.5e-3, "warmup_steps": 0}',
      "--batch-size", String(batchSize), "--epochs", String(epochs), "--seed", String(run.seed),
      "--validate-every-n-steps", "0", "--backend", "auto",
      "--checkpoint-dir", join(run.checkpoints, task), "--output-dir", join(run.out, "trained"),
    ],
    run.log,
  );
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}") as TrainSummary;
}

async function runDemo(flags: DemoFlags, io: CliIo): Promise<void> {
  const out = resolve(flags.out);
  const songs = integerAtLeast("--songs", flags.songs, PARTITIONS);
  const seed = integerAtLeast("--seed", flags.seed, 0);
  const steps = integerAtLeast("--steps", flags.steps, 1);
  const dirs = demoLayout(out);
  await mkdir(dirs.models, { recursive: true });
  const say = (text: string) => io.stdout(`${text}\n`);
  // Training and export logs are detail: indented on stderr, so stdout stays one line per stage.
  const detail = (text: string) => io.stderr(text.replace(/^(?=.)/gm, "    "));
  const started = performance.now();
  let stageNumber = 0;
  const stage = async <T>(name: string, work: () => Promise<T>, summary: (value: T) => string): Promise<T> => {
    stageNumber += 1;
    const t0 = performance.now();
    say(`[${stageNumber}] ${name} …`);
    const value = await work();
    say(`[${stageNumber}] ${name}: ${summary(value)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return value;
  };
  const trainRun: TrainRun = { out, checkpoints: dirs.checkpoints, seed, steps, log: detail };
  const partitions = Array.from({ length: PARTITIONS }, (_, p) => p);
  const eachPartition = async (work: (p: number) => Promise<StepResult>) => {
    const results: string[] = [];
    for (const p of partitions) results.push(`partition ${p}: ${describeStep(await work(p))}`);
    return results.join("; ");
  };

  say(`autosing demo: the whole workflow on the embedded default (the synthetic song corpus), into ${out}`);
  await stage(
    `corpus: ${songs} synthetic songs × ${SONG_SECONDS} s in ${PARTITIONS} partitions`,
    async () => {
      if (existsSync(stepPath(dirs.corpus, PARTITIONS - 1, "index"))) return "exists, skipped";
      await makeCorpus(dirs.corpus, { songs, partitions: PARTITIONS, seed, seconds: SONG_SECONDS });
      return `written to ${dirs.corpus}`;
    },
    (s) => s,
  );
  await stage("process align (LRC-guided, no-model DTW aligner)", () => eachPartition((p) => align(dirs.corpus, p)), (s) => s);
  await stage(`process vad_extract (${CHUNK_SECONDS} s chunks)`, () => eachPartition((p) => vadExtract(dirs.corpus, p, { chunkLength: CHUNK_SECONDS, minOccupancy: 0.5 })), (s) => s);
  await stage(
    "process src_sep with the `truth` separator (an oracle: the corpus's own stems, which only synthetic data has)",
    () =>
      eachPartition(async (p) => {
        const separator = await createTruthSeparator(dirs.corpus, p);
        try {
          return await srcSep(dirs.corpus, p, { separator });
        } finally {
          await separator.dispose();
        }
      }),
    (s) => s,
  );
  const { codec } = await stage("fit the default codec on the chunks", () => demoCodec(dirs.corpus, dirs.codec, seed), (r) => `${r.fitted ? "fitted" : "exists, reused"}: ${dirs.codec}`);
  try {
    await stage(
      "process atoks (default codec) of vocals and no_vocals",
      () => eachPartition(async (p) => {
        const vocals = await atoks(dirs.corpus, p, { codec, source: "vocals" });
        const instrumental = await atoks(dirs.corpus, p, { codec, source: "no_vocals" });
        return { ...instrumental, skipped: vocals.skipped && instrumental.skipped, rowsOut: vocals.rowsOut + instrumental.rowsOut, failures: [...vocals.failures, ...instrumental.failures] };
      }),
      (s) => s,
    );
  } finally {
    await codec.dispose();
  }
  const { tokenizer } = await stage("fit the default semantic tokenizer on the vocals", () => demoTokenizer(dirs.corpus, dirs.tokenizer, seed), (r) => `${r.fitted ? "fitted" : "exists, reused"}: ${dirs.tokenizer}`);
  try {
    await stage("process stoks (default tokenizer)", () => eachPartition((p) => stoks(dirs.corpus, p, { tokenizer })), (s) => s);
  } finally {
    await tokenizer.dispose();
  }
  await stage(
    "train the artist embedder (tiny, a few steps) and export it",
    async () => {
      if (existsSync(dirs.artistEmbedder)) return `exists, reused: ${dirs.artistEmbedder}`;
      // Every artist of every partition (upstream's collect_artists counts training partitions only,
      // which would leave the demo's one validation partition without a known artist).
      await writeFile(dirs.artistFile, JSON.stringify(await numberArtists(dirs.corpus)));
      // Batches of 2 windows, epochs counted as if each chunk gave one (it gives at least one).
      const chunks = (await chunkIds(dirs.corpus)).length;
      const artistData = { path: dirs.corpus, artist_file: dirs.artistFile, chunk_size: ARTIST_WINDOW, codec: "default" };
      const summary = await trainTask(trainRun, "artist_emb", { depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, codes: CODEBOOK_SIZE }, artistData, 2, chunks);
      await runInProcess(["export", summary.model, dirs.artistEmbedder], detail);
      return `${summary.steps} steps, final loss ${summary.final_loss?.toFixed(2)}: ${dirs.artistEmbedder}`;
    },
    (s) => s,
  );
  const embedder = await openArtistEmbedderExport(dirs.artistEmbedder, { threads: 1 });
  try {
    await stage("process artist_embs (3 × 256 per chunk)", () => eachPartition((p) => artistEmbs(dirs.corpus, p, { embedder, codec: "default" })), (s) => s);
  } finally {
    await embedder.release();
  }
  await stage(
    "construct-dataset",
    async () => {
      if (existsSync(stepPath(dirs.dataset, 0, "main"))) return `exists, skipped: ${dirs.dataset}`;
      // One row per output partition (partition 0 validates), so the integer division drops none.
      const numOutPartitions = Math.max(1, (await chunkIds(dirs.corpus)).length - 1);
      const result = await constructDataset({ dataDir: dirs.corpus, numInPartitions: PARTITIONS, outputDir: dirs.dataset, numOutPartitions, seed, codec: "default" });
      if (result.failures.length > 0) throw new CliError(`autosing demo: construct-dataset failed on ${result.failures.length} partitions: ${JSON.stringify(result.failures)}`);
      return `${result.rowsWritten} of ${result.rowsJoined} joined rows in ${result.partitionsWritten} partitions (0 validates): ${dirs.dataset}`;
    },
    (s) => s,
  );

  const trainRows = await rowsIn(dirs.dataset);
  for (const [task, taskArgs, datasetConfig, exportDir] of [
    ["t2s", { size: "micro" }, { path: dirs.dataset }, dirs.t2s],
    ["sm2a", { size: "tiny" }, { path: dirs.dataset, multiscale: true }, dirs.sm2a],
  ] as const) {
    await stage(
      `train ${task} (${taskArgs.size}) on the fastest tfjs backend and export it`,
      async () => {
        if (existsSync(exportDir)) return `exists, reused: ${exportDir}`;
        const summary = await trainTask(trainRun, task, taskArgs, datasetConfig, 1, trainRows);
        await runInProcess(["export", summary.model, exportDir], detail);
        return `${summary.steps} steps, final loss ${summary.final_loss?.toFixed(2)}: ${exportDir}`;
      },
      (s) => s,
    );
  }

  const result = await stage(
    "sing two lines over a corpus song",
    async () => {
      const [song] = await readTable(stepPath(dirs.corpus, 0, "index"), indexTable, { columns: ["id", "audio"] });
      if (!song) throw new CliError(`autosing demo: ${stepPath(dirs.corpus, 0, "index")} has no songs`);
      await mkdir(dirs.sing, { recursive: true });
      // Named after its song id: the truth oracle finds the stems by the file's stem.
      const reference = join(dirs.sing, `${song.id}.flac`);
      await writeFile(reference, song.audio);
      return sing({
        reference,
        lyrics: LYRICS,
        t2sModel: dirs.t2s,
        sm2aModel: dirs.sm2a,
        artistModel: dirs.artistEmbedder,
        codec: `default:${dirs.codec}`,
        separator: `truth:${join(dirs.corpus, "0")}`,
        length: SING_SECONDS,
        batchSize: 1,
        seed,
        outputDir: dirs.sing,
        format: "wav",
      });
    },
    (r) => `${r.seconds.toFixed(2)} s → ${r.files.join(", ")}`,
  );

  say("");
  say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s. Everything is under ${out}:`);
  say(`  corpus + step tables   ${dirs.corpus}/<partition>/*.parquet`);
  say(`  training dataset       ${dirs.dataset}`);
  say(`  codec, tokenizer       ${dirs.codec}, ${dirs.tokenizer}`);
  say(`  exported models        ${dirs.artistEmbedder}, ${dirs.t2s}, ${dirs.sm2a}`);
  say(`  sung WAV               ${result.files.join(", ")}`);
  say("");
  say("The models were trained for seconds on synthetic data: the WAV demonstrates the workflow, not singing quality.");
  say("Run it again with the same --out to reuse what exists; see `autosing --help` for each step on real data.");
}

/** `autosing demo`: the README quick start's main job. */
export function registerDemoCommand(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description("run the whole workflow on the synthetic song corpus: process, construct-dataset, train + export tiny models, sing (a few minutes)")
    .option("--out <dir>", "where everything goes (a second run reuses what exists)", "autosing-demo")
    .option("--songs <n>", "synthetic songs (at least 2)", "3")
    .option("--seed <n>", "seed of the corpus, fits and training", "0")
    .option("--steps <n>", "training steps of t2s and sm2a (about: whole epochs)", "4")
    .action(async (flags: DemoFlags) => {
      await runDemo(flags, io);
    });
}
