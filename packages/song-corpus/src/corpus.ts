import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { type IndexRow, type TableSchema, createTableWriter, defineColumn, defineTable, indexTable, stepPath } from "@autosing/parquet-io";

import { Worker } from "node:worker_threads";

import { CorpusOptionError, CorpusWriteError, SongRenderError } from "./errors.js";
import { MIN_SECONDS, type Song, renderSong, songId } from "./song.js";

/** Audio encodings for the `audio` and stem columns: lossless, so stems still sum to the mix. */
export type CorpusAudioFormat = "flac" | "wav";

/** `truth.parquet`: the ground truth of each song, beside `index.parquet`. */
export interface TruthRow {
  id: string;
  /** Vocal and accompaniment stems, encoded like `audio`; decoded, they sum to the mix exactly. */
  vocals: Uint8Array;
  accompaniment: Uint8Array;
  /** JSON array of the words, in order. */
  words: string;
  /** Per word: lyric line index, start and end (seconds). */
  word_lines: Int32Array;
  word_starts: Float32Array;
  word_ends: Float32Array;
  /** JSON array of ARPAbet phones (39-phone set, no stress). */
  phonemes: string;
  /** Per phone: word index, start and end (seconds). */
  phoneme_words: Int32Array;
  phoneme_starts: Float32Array;
  phoneme_ends: Float32Array;
  /** Per sung note: MIDI pitch, word index, start and end (seconds). */
  note_midis: Int32Array;
  note_words: Int32Array;
  note_starts: Float32Array;
  note_ends: Float32Array;
  /** JSON object: artist, key, tempo, sampleRate, seed, index. */
  meta: string;
}

export const truthTable: TableSchema<TruthRow> = defineTable<TruthRow>("truth", [
  defineColumn("id", "string"),
  defineColumn("vocals", "binary"),
  defineColumn("accompaniment", "binary"),
  defineColumn("words", "string"),
  defineColumn("word_lines", "int-list"),
  defineColumn("word_starts", "float-list"),
  defineColumn("word_ends", "float-list"),
  defineColumn("phonemes", "string"),
  defineColumn("phoneme_words", "int-list"),
  defineColumn("phoneme_starts", "float-list"),
  defineColumn("phoneme_ends", "float-list"),
  defineColumn("note_midis", "int-list"),
  defineColumn("note_words", "int-list"),
  defineColumn("note_starts", "float-list"),
  defineColumn("note_ends", "float-list"),
  defineColumn("meta", "string"),
]);

/**
 * Upper bounds of {@link makeCorpus}: rendering time grows with songs × seconds, and an hour per
 * song or 100 000 songs is far past any test corpus; above them a typo (`1e9`) would run until
 * killed instead of failing at once.
 */
export const MAX_CORPUS_SECONDS = 3600;
export const MAX_CORPUS_SONGS = 100_000;

export interface CorpusOptions {
  songs: number;
  partitions: number;
  seed: number;
  /** Seconds per song (default 60). */
  seconds?: number;
  /** Output sample rate (default 32000). */
  sampleRate?: 32000 | 44100;
  /** Encoding of the audio and stems (default "flac"). */
  format?: CorpusAudioFormat;
  /** Worker threads rendering songs in parallel (default 1: render on this thread). */
  jobs?: number;
  /** Called after each song with the count done so far and the song's id and artist. */
  onProgress?: (done: number, total: number, song: Pick<Song, "id" | "artist">) => void;
}

/** What the parent sends a render worker: one song to render and encode. */
export interface RenderRequest {
  seed: number;
  index: number;
  seconds: number;
  sampleRate: 32000 | 44100;
  format: CorpusAudioFormat;
}

/** Songs `[first, end)` of partition `p` when `songs` are split into `partitions` contiguous runs. */
export function partitionRange(songs: number, partitions: number, p: number): [number, number] {
  return [Math.floor((p * songs) / partitions), Math.floor(((p + 1) * songs) / partitions)];
}

function checkInteger(option: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new CorpusOptionError(option, value, `expected an integer >= ${min}`);
}

async function encode(samples: Float32Array, sampleRate: number, format: CorpusAudioFormat, source: string): Promise<Uint8Array> {
  // Loaded on first use: audio-codec's entry point also pulls in its ONNX/tensor adapters,
  // which rendering songs in memory (makeTestCorpus) does not need.
  const { encodeAudio } = await import("@autosing/audio-codec");
  const audio = { channels: [samples], sampleRate };
  // FLAC level 0: ~2x faster than the default and only ~7 % larger on these signals.
  return format === "flac" ? encodeAudio(audio, "flac", { compression: 0, source }) : encodeAudio(audio, "wav", { source });
}

/** The two table rows of one rendered song. */
export async function songRows(song: Song, seed: number, format: CorpusAudioFormat = "flac"): Promise<{ index: IndexRow; truth: TruthRow }> {
  // One after another: libflacjs (behind audio-codec's FLAC encoder) fails when two encoders
  // are alive at once.
  const audio = await encode(song.mix, song.sampleRate, format, `${song.id} mix`);
  const vocals = await encode(song.vocals, song.sampleRate, format, `${song.id} vocals`);
  const accompaniment = await encode(song.accompaniment, song.sampleRate, format, `${song.id} accompaniment`);
  return {
    index: { id: song.id, audio, lrc_lyrics: song.lrcLyrics, raw_lyrics: song.rawLyrics, artist: song.artist },
    truth: {
      id: song.id,
      vocals,
      accompaniment,
      words: JSON.stringify(song.words.map((w) => w.text)),
      word_lines: Int32Array.from(song.words, (w) => w.line),
      word_starts: Float32Array.from(song.words, (w) => w.start),
      word_ends: Float32Array.from(song.words, (w) => w.end),
      phonemes: JSON.stringify(song.phonemes.map((p) => p.phone)),
      phoneme_words: Int32Array.from(song.phonemes, (p) => p.word),
      phoneme_starts: Float32Array.from(song.phonemes, (p) => p.start),
      phoneme_ends: Float32Array.from(song.phonemes, (p) => p.end),
      note_midis: Int32Array.from(song.notes, (n) => n.midi),
      note_words: Int32Array.from(song.notes, (n) => n.word),
      note_starts: Float32Array.from(song.notes, (n) => n.start),
      note_ends: Float32Array.from(song.notes, (n) => n.end),
      meta: JSON.stringify({ artist: song.artist, key: song.key, tempo: song.tempo, sampleRate: song.sampleRate, seed, index: song.index }),
    },
  };
}

/**
 * Writes a corpus in the dataset layout: `<dir>/<p>/index.parquet` (id, audio, lrc_lyrics,
 * raw_lyrics, artist) and `<dir>/<p>/truth.parquet` for partitions `0..partitions-1`, songs
 * split into contiguous runs. Song `i` depends only on `(seed, i, seconds, sampleRate)`, so
 * equal options give byte-identical files. Returns the number of songs written.
 */
export async function makeCorpus(dir: string, options: CorpusOptions): Promise<number> {
  checkInteger("songs", options.songs, 1);
  if (options.songs > MAX_CORPUS_SONGS) throw new CorpusOptionError("songs", options.songs, `at most ${MAX_CORPUS_SONGS} songs (write several corpora for more)`);
  checkInteger("partitions", options.partitions, 1);
  checkInteger("seed", options.seed, 0);
  if (options.partitions > options.songs) {
    throw new CorpusOptionError("partitions", options.partitions, `more partitions than songs (${options.songs}) would leave empty partitions`);
  }
  const seconds = options.seconds ?? 60;
  if (!(seconds >= MIN_SECONDS)) throw new CorpusOptionError("seconds", seconds, `songs need at least ${MIN_SECONDS} s`);
  if (seconds > MAX_CORPUS_SECONDS) throw new CorpusOptionError("seconds", seconds, `songs are at most ${MAX_CORPUS_SECONDS} s`);
  const format = options.format ?? "flac";
  const jobs = options.jobs ?? 1;
  checkInteger("jobs", jobs, 1);
  const sampleRate = options.sampleRate ?? 32000;
  const renderer =
    jobs > 1
      ? new WorkerPool(jobs)
      : {
          render: async (index: number) => {
            const song = await renderSong({ seed: options.seed, index, seconds, sampleRate });
            return { rows: await songRows(song, options.seed, format), song };
          },
          close: async () => undefined,
        };
  const render = (index: number): Promise<RenderResult> =>
    renderer instanceof WorkerPool ? renderer.render({ seed: options.seed, index, seconds, sampleRate, format }) : renderer.render(index);
  let done = 0;
  try {
    for (let p = 0; p < options.partitions; p++) {
      const [first, end] = partitionRange(options.songs, options.partitions, p);
      await writePartition(dir, p, first, end, jobs, render, (song) => {
        done += 1;
        options.onProgress?.(done, options.songs, song);
      });
    }
  } finally {
    await renderer.close();
  }
  return done;
}

/** Renders songs `[first, end)` (up to `jobs` in flight) and writes them, in order, as partition `p`. */
async function writePartition(
  dir: string,
  p: number,
  first: number,
  end: number,
  jobs: number,
  render: (index: number) => Promise<RenderResult>,
  onSong: (song: RenderResult["song"]) => void,
): Promise<void> {
  const folder = join(dir, String(p));
  try {
    await mkdir(folder, { recursive: true });
  } catch (cause) {
    throw new CorpusWriteError(folder, String(cause), { cause });
  }
  // Rows stream into row groups of a few songs, so memory stays bounded by a row group.
  const truth = await createTableWriter(stepPath(dir, p, "truth"), truthTable, { rowGroupRows: 8 });
  const index = await createTableWriter(stepPath(dir, p, "index"), indexTable, { rowGroupRows: 8 });
  const pending = new Map<number, Promise<RenderResult>>();
  const launch = (i: number): void => {
    if (i >= end || pending.has(i)) return;
    const promise = render(i);
    // Observed when awaited below; this keeps a failure of a later song from going unhandled meanwhile.
    promise.catch(() => undefined);
    pending.set(i, promise);
  };
  try {
    for (let i = first; i < Math.min(end, first + jobs); i++) launch(i);
    for (let i = first; i < end; i++) {
      launch(i);
      const { rows, song } = await pending.get(i)!;
      pending.delete(i);
      launch(i + jobs);
      truth.append([rows.truth]);
      index.append([rows.index]);
      onSong(song);
    }
    // Truth first: a partition whose index.parquet exists is complete.
    truth.finish();
    index.finish();
  } catch (error) {
    truth.abort();
    index.abort();
    await Promise.allSettled(pending.values());
    throw error;
  }
}

interface RenderResult {
  rows: { index: IndexRow; truth: TruthRow };
  song: Pick<Song, "id" | "artist">;
}

type WorkerReply = { index: number; rows: RenderResult["rows"]; song: RenderResult["song"] } | { index: number; error: string };

/** Worker threads running render-worker.js, each rendering one song at a time. */
class WorkerPool {
  private readonly idle: Worker[] = [];
  private readonly waiting: ((worker: Worker) => void)[] = [];
  private readonly workers: Worker[] = [];

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(new URL("./render-worker.js", import.meta.url));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  private acquire(): Promise<Worker> {
    const worker = this.idle.pop();
    if (worker !== undefined) return Promise.resolve(worker);
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next !== undefined) next(worker);
    else this.idle.push(worker);
  }

  async render(request: RenderRequest): Promise<RenderResult> {
    const worker = await this.acquire();
    try {
      const reply = await new Promise<WorkerReply>((resolve, reject) => {
        const onMessage = (message: WorkerReply): void => {
          worker.off("error", onError);
          resolve(message);
        };
        const onError = (error: Error): void => {
          worker.off("message", onMessage);
          reject(error);
        };
        worker.once("message", onMessage);
        worker.once("error", onError);
        worker.postMessage(request);
      });
      if ("error" in reply) throw new SongRenderError(songId(request.seed, request.index), reply.error);
      return { rows: reply.rows, song: reply.song };
    } finally {
      this.release(worker);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
