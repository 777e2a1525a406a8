import { readFile } from "node:fs/promises";

import { Xoshiro128 } from "@autosing/base";
import { type TableSchema, type TokensRow, atoksTable, defineColumn, defineTable, listPartitions, openTable, stepPath } from "@autosing/parquet-io";

import type { DatasetItem, TrainingDataset } from "../contract.js";
import { PartitionedDataset, type SampleContext, type SkippedRow } from "../data/partitioned.js";
import { RUN_SHUFFLE_BUFFER_SAMPLES, shuffleBuffer } from "../data/shuffle.js";
import { DatasetError, TrainerConfigError } from "../errors.js";

/** Upstream's artist dataset reads training partitions 1..8 unless `num_partitions` says otherwise. */
export const ARTIST_EMB_DEFAULT_PARTITIONS = 8;

/** One window cut from a row, flattened to `[15, chunkSize / 8]` (`@autosing/artist-embedder`'s `TrainingWindow`). */
export interface ArtistEmbWindow {
  offset: number;
  flattened: { data: Int32Array; shape: readonly number[] };
}

/**
 * Cuts a row's dense `[4, T]` tokens into training windows. The CLI passes
 * `@autosing/artist-embedder`'s `trainingWindows`: the model package owns its input layout, so the
 * trainer does not depend on it (as it does not on the t2s / sm2a models).
 */
export type ArtistEmbWindowCutter = (dense: { data: Int32Array; shape: number[] }, chunkSize: number) => readonly ArtistEmbWindow[];

/** One training sample: a flattened window and its artist's class id (upstream's `(flattened, artist_id)` tuple). */
export interface ArtistEmbSample {
  /** `${row id}_${offset}`, as upstream names the expanded rows. */
  id: string;
  atoks: Int32Array;
  label: number;
}

/** A collated batch, shaped as `@autosing/artist-embedder`'s `ArtistEmbedderHostBatch`. */
export interface ArtistEmbHostBatch {
  size: number;
  /** Flattened windows `[size, 15, chunkSize / 8]`. */
  atoks: Int32Array;
  flattened: true;
  labels: Int32Array;
}

export interface ArtistEmbDataOptions {
  /** The pipeline's dataset folder: `<path>/<n>/atoks_vocals_<codec>.parquet` and `<path>/<n>/chunked.parquet`. */
  path: string;
  /** `"val"` reads partition 0, `"train"` partitions 1..numPartitions. */
  split: "train" | "val";
  /** Artist name → class id (the artist file of `autosing train artists`; see {@link readArtistFile}). */
  artists: Readonly<Record<string, number>>;
  /** Dense frames per window (upstream `chunk_size`, the model's `ctx_n`); a multiple of 8. */
  chunkSize: number;
  windows: ArtistEmbWindowCutter;
  batchSize: number;
  seed: number;
  /** Acoustic codec of the `atoks_vocals_<codec>` table (default `snac_32khz`, as upstream). */
  codec?: string;
  /** Training partitions 1..N (default 8, upstream load_dataset's `num_partitions`). */
  numPartitions?: number;
  /** Shuffle buffer in windows (default 1000, upstream's `shufbuf_size`); training only. */
  shuffleBufferSize?: number;
  /** The run's shuffle buffer in windows, after the dataset's (upstream train.py's `1024 × --shufbuf`; default 65536); training only. */
  runShuffleBufferSize?: number;
  log?: (line: string) => void;
}

/**
 * Reads and checks an artist file (`{"name": id, …}` as `autosing train artists` writes it).
 * Ids must be 0..n−1 without gaps or repeats: upstream sizes the class head `len(artists)` and
 * uses the ids as class indices.
 */
export async function readArtistFile(file: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new TrainerConfigError(
      "artist_file",
      file,
      `cannot be read (${(error as Error).message}); generate it with \`autosing train artists <dataset> --min-sample-count N --output-path ${file}\``,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TrainerConfigError("artist_file", file, `is not valid JSON (${(error as Error).message})`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TrainerConfigError("artist_file", file, "must hold a JSON object of artist name → class id");
  }
  const artists = value as Record<string, unknown>;
  const names = Object.keys(artists);
  if (names.length === 0) throw new TrainerConfigError("artist_file", file, "holds no artists (lower --min-sample-count when collecting them)");
  const seen = new Set<number>();
  for (const name of names) {
    const id = artists[name];
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= names.length || seen.has(id)) {
      throw new TrainerConfigError("artist_file", file, `artist ${JSON.stringify(name)} has id ${JSON.stringify(id)}; ids must be 0..${names.length - 1}, each once`);
    }
    seen.add(id);
  }
  return artists as Record<string, number>;
}

/**
 * The two columns of `chunked.parquet` the embedder needs (upstream reads `columns=["id",
 * "artist"]`); parquet-io's full `chunkedTable` would also demand the audio.
 */
const artistColumnTable: TableSchema<{ id: string; artist?: string | null }> = defineTable("chunked", [
  defineColumn("id", "string"),
  defineColumn("artist", "string", { nullable: true, optional: true }),
]);

/** The `id → artist` column of one partition's `chunked.parquet` (first row of an id wins, as upstream's de-duplication). */
async function readPartitionArtists(path: string, partition: number): Promise<Map<string, string | null>> {
  const file = stepPath(path, partition, "chunked");
  let reader;
  try {
    reader = await openTable(file, artistColumnTable);
  } catch (error) {
    throw new DatasetError(path, `partition ${partition}: ${(error as Error).message}`);
  }
  try {
    if (!reader.hasColumn("artist")) throw new DatasetError(path, `partition ${partition} (${file}) has no "artist" column`);
    const out = new Map<string, string | null>();
    for await (const row of reader.rows({ columns: ["id", "artist"] })) {
      if (!out.has(row.id)) out.set(row.id, typeof row.artist === "string" ? row.artist : null);
    }
    return out;
  } finally {
    await reader.close();
  }
}

/**
 * Port of autosing/artist_embeddings.py: EmbeddingDataset.prepare_df + entries for one row — the
 * inner join of `atoks_vocals_<codec>` with `chunked`'s artist on `id`, the tokens reshaped to
 * `[4, T]` and cut into windows, each labelled with the artist's class id. Rows whose artist is
 * not in the artist file are skipped (upstream filters them with `isin`), and so are rows whose
 * tokens are not `[4, T]` or are shorter than one window. Deliberate difference: each row is
 * windowed by its own length (upstream takes every row's length from the first row).
 */
export function artistEmbRowSamples(
  row: TokensRow,
  artistOf: ReadonlyMap<string, string | null> | undefined,
  options: Pick<ArtistEmbDataOptions, "artists" | "chunkSize" | "windows">,
): ArtistEmbSample[] | SkippedRow {
  if (!artistOf?.has(row.id)) return { skip: `id ${JSON.stringify(row.id)} has no row in chunked.parquet` };
  const artist = artistOf.get(row.id) ?? null;
  if (artist === null) return { skip: "chunked.parquet has no artist for it" };
  const label = Object.hasOwn(options.artists, artist) ? options.artists[artist] : undefined;
  if (label === undefined) return { skip: `artist ${JSON.stringify(artist)} is not in the artist file` };
  const values = row.values;
  if (values.length === 0 || values.length % 4 !== 0) return { skip: `atoks has ${values.length} values, not a non-empty multiple of 4 (dense [4, T])` };
  const frames = values.length / 4;
  if (frames < options.chunkSize) return { skip: `atoks has ${frames} frames, fewer than one window of ${options.chunkSize}` };
  return options.windows({ data: values, shape: [4, frames] }, options.chunkSize).map((window) => ({
    id: `${row.id}_${window.offset}`,
    atoks: window.flattened.data,
    label,
  }));
}

/** Stacks samples into `[size, 15, chunkSize / 8]` windows and their labels. */
export function collateArtistEmb(samples: readonly ArtistEmbSample[]): ArtistEmbHostBatch {
  const first = samples[0];
  if (!first) throw new DatasetError("artist_emb batch", "is empty");
  const width = first.atoks.length;
  const atoks = new Int32Array(samples.length * width);
  const labels = new Int32Array(samples.length);
  samples.forEach((sample, i) => {
    if (sample.atoks.length !== width) throw new DatasetError("artist_emb batch", `window ${sample.id} has ${sample.atoks.length} values, the batch's first ${width}`);
    atoks.set(sample.atoks, i * width);
    labels[i] = sample.label;
  });
  return { size: samples.length, atoks, flattened: true, labels };
}

/**
 * Port of autosing/artist_embeddings.py: EmbeddingDataset / load_dataset — training windows of
 * the vocals' acoustic tokens labelled with artist ids. Rows stream through a
 * {@link PartitionedDataset} over `atoks_vocals_<codec>` (shuffled partitions, row groups and
 * rows; skipped rows logged), each row expands to its windows, and the windows pass a seeded
 * shuffle buffer (upstream shuffles the expanded rows) before batching. The `chunked` artist
 * column (ids and names only) is read once at `open`.
 *
 * Batches per epoch follow upstream's `total_samples` idea (rows × windows of a row): per
 * partition, the rows with a known artist × the windows of its first usable row. Rows of other
 * lengths or skipped rows can end an epoch early, which the loop handles.
 */
export class ArtistEmbeddingDataset implements TrainingDataset<ArtistEmbHostBatch> {
  private constructor(
    private readonly options: ArtistEmbDataOptions,
    private readonly rows: PartitionedDataset<TokensRow, ArtistEmbSample[], ArtistEmbSample[]>,
    readonly batchesPerEpoch: number,
    /** Windows per epoch as counted at `open`. */
    readonly windowsPerEpoch: number,
  ) {}

  static async open(options: ArtistEmbDataOptions): Promise<ArtistEmbeddingDataset> {
    const { path, split, chunkSize } = options;
    if (!Number.isInteger(chunkSize) || chunkSize <= 0 || chunkSize % 8 !== 0) {
      throw new TrainerConfigError("chunk_size", chunkSize, "must be a positive multiple of 8 (the flattened SNAC layout has one column per 8 frames)");
    }
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new TrainerConfigError("batch size", options.batchSize, "must be a positive integer");
    const numPartitions = options.numPartitions ?? ARTIST_EMB_DEFAULT_PARTITIONS;
    const table = atoksTable("vocals", options.codec ?? "snac_32khz");
    /** Partition → (id → artist name), filled below before any row is mapped. */
    const artists = new Map<number, Map<string, string | null>>();
    // Opens and checks the partitions' atoks files (missing dataset, partitions, columns) first.
    const rows = await PartitionedDataset.open<TokensRow, ArtistEmbSample[], ArtistEmbSample[]>({
      path,
      split,
      table,
      parts: [table.name],
      columns: ["id", "values"],
      numPartitions,
      batchSize: 1,
      map: (row: TokensRow, context: SampleContext) => artistEmbRowSamples(row, artists.get(context.partition), options),
      collate: (samples) => samples[0] ?? [],
      seed: options.seed,
      // Rows are already shuffled within row groups; the window-level buffer below does the mixing.
      shuffleBufferSize: 1,
      runShuffleBufferSize: 1,
      ...(options.log ? { log: options.log } : {}),
    });
    const partitions = (await listPartitions(path)).filter((p) => (split === "val" ? p === 0 : p >= 1 && p <= numPartitions));
    let windows = 0;
    for (const partition of partitions) {
      const artistOf = await readPartitionArtists(path, partition);
      artists.set(partition, artistOf);
      const reader = await openTable(stepPath(path, partition, table.name), table);
      try {
        let known = 0;
        // Row group by row group: `rows()` would close the reader before the length probe below.
        for (let g = 0; g < reader.numRowGroups; g++) {
          for (const row of await reader.readRowGroup(g, { columns: ["id"] })) {
            const artist = artistOf.get(row.id);
            if (typeof artist === "string" && Object.hasOwn(options.artists, artist)) known++;
          }
        }
        let perRow = 0;
        if (known > 0 && reader.numRowGroups > 0) {
          for (const row of await reader.readRowGroup(0, { columns: ["values"] })) {
            if (row.values.length % 4 === 0 && row.values.length / 4 >= chunkSize) {
              perRow = Math.floor(row.values.length / 4 / chunkSize);
              break;
            }
          }
        }
        windows += known * perRow;
      } finally {
        await reader.close();
      }
    }
    const batches = split === "val" ? Math.ceil(windows / options.batchSize) : Math.floor(windows / options.batchSize);
    if (batches === 0) {
      throw new DatasetError(
        path,
        `${split} split has ${windows} windows of ${chunkSize} frames from rows whose artist is in the artist file, fewer than one batch of ${options.batchSize}`,
      );
    }
    return new ArtistEmbeddingDataset(options, rows, batches, windows);
  }

  async *batches(epoch: number, skip: number): AsyncIterable<DatasetItem<ArtistEmbHostBatch>> {
    const { options } = this;
    const training = options.split === "train";
    const rows = this.rows;
    async function* windows(): AsyncGenerator<ArtistEmbSample> {
      for await (const item of rows.batches(epoch, 0)) yield* item.batch;
    }
    const datasetShuffled = () => shuffleBuffer(windows(), options.shuffleBufferSize ?? 1000, Xoshiro128.derive(options.seed, epoch, 0, 4));
    const stream = training
      ? shuffleBuffer(datasetShuffled(), options.runShuffleBufferSize ?? RUN_SHUFFLE_BUFFER_SAMPLES, Xoshiro128.derive(options.seed, epoch, 0, 5))
      : windows();
    const emit = (samples: ArtistEmbSample[]): DatasetItem<ArtistEmbHostBatch> => {
      const batch = collateArtistEmb(samples);
      return { batch, samples: samples.length, tokens: batch.atoks.length };
    };
    let pending: ArtistEmbSample[] = [];
    let index = 0;
    for await (const sample of stream) {
      pending.push(sample);
      if (pending.length < options.batchSize) continue;
      // Batches before `skip` are drawn (the stream is the same) but not collated.
      if (index >= skip) yield emit(pending);
      pending = [];
      index++;
      if (index >= this.batchesPerEpoch) return;
    }
    if (!training && pending.length && index >= skip) yield emit(pending);
  }
}
