import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

import { openArtistEmbedderExport } from "@autosing/artist-embedder";
import { writeFileAtomic } from "@autosing/base";
import { constructDataset, indexTable, readTable, stepPath } from "@autosing/parquet-io";
import { align, artistEmbs, atoks, srcSep, stoks, vadExtract } from "@autosing/processing";
import { createTruthSeparator } from "@autosing/separation";
import { sing } from "@autosing/sing";
import { makeCorpus } from "@autosing/song-corpus";
import type { Command } from "commander";

import { chunkIds, numberArtists, rowsIn } from "../demo/corpus-tables.js";
import { demoCodec, demoTokenizer } from "../demo/fitted-models.js";
import { ARTIST_WINDOW, CHUNK_SECONDS, CODEBOOK_SIZE, LYRICS, PARTITIONS, SING_SECONDS, SONG_SECONDS, demoLayout } from "../demo/layout.js";
import { eachPartition, stageRunner } from "../demo/stages.js";
import { type DemoTraining, trainAndExport } from "../demo/train-and-export.js";
import { recordDemoModels } from "../demo/record-models.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import { integerAtLeast, parseNumberFlag } from "../shared/number-flags.js";
import { singFlagsWithModels, singOptionsFromFlags } from "./sing.js";

interface DemoFlags {
  out: string;
  songs: string;
  seed: string;
  steps: string;
}

async function runDemo(flags: DemoFlags, io: CliIo): Promise<void> {
  const out = resolve(flags.out);
  const songs = parseNumberFlag("demo", "--songs", flags.songs, integerAtLeast(PARTITIONS));
  const seed = parseNumberFlag("demo", "--seed", flags.seed, integerAtLeast(0));
  const steps = parseNumberFlag("demo", "--steps", flags.steps, integerAtLeast(1));
  const dirs = demoLayout(out);
  await mkdir(dirs.models, { recursive: true });
  const say = (text: string) => io.stdout(`${text}\n`);
  // Training and export logs are detail: indented on stderr, so stdout stays one line per stage.
  const detail = (text: string) => io.stderr(text.replace(/^(?=.)/gm, "    "));
  const started = performance.now();
  const stage = stageRunner(say);
  const training: DemoTraining = { out, checkpoints: dirs.checkpoints, seed, steps, log: detail };

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
      if (existsSync(dirs.artistEmbedder.export)) return `exists, reused: ${dirs.artistEmbedder.export}`;
      // Every artist of every partition (upstream's collect_artists counts training partitions only,
      // which would leave the demo's one validation partition without a known artist).
      await writeFileAtomic(dirs.artistFile, JSON.stringify(await numberArtists(dirs.corpus)));
      // Batches of 2 windows, epochs counted as if each chunk gave one (it gives at least one).
      const chunks = (await chunkIds(dirs.corpus)).length;
      const summary = await trainAndExport(
        training,
        {
          task: "artist_emb",
          taskArgs: { depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, codes: CODEBOOK_SIZE },
          datasetConfig: { path: dirs.corpus, artist_file: dirs.artistFile, chunk_size: ARTIST_WINDOW, codec: "default" },
        },
        2,
        chunks,
        dirs.artistEmbedder,
      );
      return `${summary.steps} steps, final loss ${summary.finalLoss?.toFixed(2)}: ${dirs.artistEmbedder.export}`;
    },
    (s) => s,
  );
  const embedder = await openArtistEmbedderExport(dirs.artistEmbedder.export, { threads: 1 });
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
      if (result.failures.length > 0) throw new CliError(`autosing demo: construct-dataset failed on ${result.failures.length} partitions: ${JSON.stringify(result.failures)}`, ExitCode.internalError);
      return `${result.rowsWritten} of ${result.rowsJoined} joined rows in ${result.partitionsWritten} partitions (0 validates): ${dirs.dataset}`;
    },
    (s) => s,
  );

  const trainRows = await rowsIn(dirs.dataset);
  for (const run of [
    // The no-model aligner scores these synthetic songs' alignments 0.33–1, mostly under upstream's
    // 0.85: at that threshold t2s would train on the placeholder text (and `train` refuses such a
    // dataset), so the demo takes every alignment with any inliers.
    { task: "t2s", taskArgs: { size: "micro" }, datasetConfig: { path: dirs.dataset, min_inlier_ratio: 0 }, folders: dirs.t2s },
    { task: "sm2a", taskArgs: { size: "tiny" }, datasetConfig: { path: dirs.dataset, multiscale: true }, folders: dirs.sm2a },
  ] as const) {
    await stage(
      `train ${run.task} (${run.taskArgs.size}) on the fastest tfjs backend and export it`,
      async () => {
        if (existsSync(run.folders.export)) return `exists, reused: ${run.folders.export}`;
        const summary = await trainAndExport(training, run, 1, trainRows, run.folders);
        return `${summary.steps} steps, final loss ${summary.finalLoss?.toFixed(2)}: ${run.folders.export}`;
      },
      (s) => s,
    );
  }

  const result = await stage(
    "sing two lines over a corpus song",
    async () => {
      const [song] = await readTable(stepPath(dirs.corpus, 0, "index"), indexTable, { columns: ["id", "audio"] });
      if (!song) throw new CliError(`autosing demo: ${stepPath(dirs.corpus, 0, "index")} has no songs`, ExitCode.internalError);
      await mkdir(dirs.sing, { recursive: true });
      // Named after its song id: the truth oracle finds the stems by the file's stem.
      const reference = join(dirs.sing, `${song.id}.flac`);
      await writeFileAtomic(reference, song.audio);
      // As `autosing sing --models <out>/models` does: every network from the models directory.
      await recordDemoModels(dirs);
      const flags = await singFlagsWithModels({ models: dirs.models, separator: `truth:${join(dirs.corpus, "0")}` }, detail);
      return sing(singOptionsFromFlags(reference, { ...flags, lyrics: LYRICS, length: SING_SECONDS, batchSize: 1, seed, outputDir: dirs.sing, format: "wav" }));
    },
    (r) => `${r.seconds.toFixed(2)} s → ${r.files.join(", ")}`,
  );

  say("");
  say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s. Everything is under ${out}:`);
  say(`  corpus + step tables   ${dirs.corpus}/<partition>/*.parquet`);
  say(`  training dataset       ${dirs.dataset}`);
  say(`  models directory       ${dirs.models} (models.json; sing --models ${dirs.models})`);
  say(`  codec, tokenizer       ${dirs.codec}, ${dirs.tokenizer}`);
  say(`  exported models        ${dirs.artistEmbedder.export}, ${dirs.t2s.export}, ${dirs.sm2a.export}`);
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
