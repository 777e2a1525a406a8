import { availableParallelism } from "node:os";

import { type CorpusAudioFormat, MAX_CORPUS_SECONDS, MAX_CORPUS_SONGS, makeCorpus } from "@autosing/song-corpus";
import type { Command } from "commander";
import { z } from "zod";

import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";
import { integerAtLeast, integerInRange, numberRule, parseNumberFlag } from "../shared/number-flags.js";
import { asUserError } from "../shared/user-errors.js";

interface MakeOptions {
  songs: string;
  partitions: string;
  seed: string;
  seconds: string;
  sampleRate: string;
  format: string;
  jobs?: string;
  progress: boolean;
}

// Bounded above so a typo (`--seconds 1e9`) is a usage error, not a run that never ends.
const SONG_SECONDS = numberRule(z.number().min(9).max(MAX_CORPUS_SECONDS), `a number in 9..${MAX_CORPUS_SECONDS}`);
const SAMPLE_RATE = numberRule(z.union([z.literal(32000), z.literal(44100)]), "32000 or 44100");

function integer(name: string, text: string, min: number): number {
  return parseNumberFlag("corpus make", `--${name}`, text, integerAtLeast(min, ">="));
}

/** A one-line progress bar, redrawn in place with a carriage return. */
function progressBar(done: number, total: number, elapsedSeconds: number): string {
  const width = 30;
  const filled = Math.round((done / total) * width);
  const perSong = elapsedSeconds / Math.max(1, done);
  const eta = perSong * (total - done);
  return `\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${total} songs  ${perSong.toFixed(1)} s/song  ETA ${eta.toFixed(0)} s`;
}

/** `autosing corpus make`: the synthetic song corpus with ground truth (issue #6). */
export function registerCorpusCommands(program: Command, io: CliIo): void {
  const corpus = program.command("corpus").description("synthetic song corpus with ground truth");
  corpus
    .command("make")
    .description(
      "generate synthetic songs in the dataset layout: <dir>/<n>/index.parquet (id, audio, lrc_lyrics, raw_lyrics, artist) and <dir>/<n>/truth.parquet (stems, word/phoneme/note timings)",
    )
    .argument("<dir>", "output dataset folder")
    .option("--songs <n>", `number of songs (at most ${MAX_CORPUS_SONGS})`, "10")
    .option("--partitions <p>", "number of partitions (songs are split into contiguous runs)", "1")
    .option("--seed <s>", "corpus seed: the same seed gives byte-identical files", "0")
    .option("--seconds <l>", `length of each song in seconds (9..${MAX_CORPUS_SECONDS})`, "60")
    .option("--sample-rate <hz>", "output sample rate: 32000 or 44100", "32000")
    .option("--format <f>", "audio encoding of the mix and stems: flac or wav", "flac")
    .option("--jobs <j>", "worker threads rendering songs in parallel (default: CPU count, at most 4)")
    .option("--no-progress", "do not draw the progress bar")
    .action(async (dir: string, options: MakeOptions) => {
      const songs = parseNumberFlag("corpus make", "--songs", options.songs, integerInRange(1, MAX_CORPUS_SONGS));
      const partitions = integer("partitions", options.partitions, 1);
      const seed = integer("seed", options.seed, 0);
      const jobs = options.jobs === undefined ? Math.min(4, availableParallelism()) : integer("jobs", options.jobs, 1);
      const seconds = parseNumberFlag("corpus make", "--seconds", options.seconds, SONG_SECONDS);
      const sampleRate = parseNumberFlag("corpus make", "--sample-rate", options.sampleRate, SAMPLE_RATE);
      if (options.format !== "flac" && options.format !== "wav") {
        throw new CliError(`autosing corpus make: --format must be flac or wav, got "${options.format}"`);
      }
      if (partitions > songs) throw new CliError(`autosing corpus make: --partitions (${partitions}) must not exceed --songs (${songs})`);
      const started = Date.now();
      try {
        await makeCorpus(dir, {
          songs,
          partitions,
          seed,
          seconds,
          sampleRate,
          format: options.format as CorpusAudioFormat,
          jobs: Math.min(jobs, songs),
          onProgress: (done, total) => {
            // The bar goes to stderr so stdout stays the summary alone.
            if (options.progress) io.stderr(progressBar(done, total, (Date.now() - started) / 1000) + (done === total ? "\n" : ""));
          },
        });
      } catch (error) {
        throw asUserError("corpus make", error);
      }
      const elapsed = (Date.now() - started) / 1000;
      io.stdout(`wrote ${songs} songs (${seconds} s each) in ${partitions} partition(s) to ${dir} in ${elapsed.toFixed(1)} s\n`);
    });
}
