/** A tiny song-corpus dataset and tiny fitted/random models, shared by the tests and the bench. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { type ArtistEmbedder, DEFAULT_ARTIST_EMBEDDER_TUNABLES, artistEmbedderConfig, artistEmbedderParameterSpecs, openArtistEmbedderExport, writeArtistEmbedderExport } from "@autosing/artist-embedder";
import { type AcousticCodec, createDefaultCodec, decodeAudio, firstChannel, fitDefaultCodec, resample } from "@autosing/audio-codec";
import { initializeParameters } from "@autosing/nn";
import { type IndexRow, type TableSchema, indexTable, readTable, stepPath, writeTable } from "@autosing/parquet-io";
import { type SemanticTokenizer, createDefaultTokenizer, fitDefaultTokenizer } from "@autosing/semantic-tokens";
import { writeTestCorpus } from "@autosing/song-corpus";

export interface Fixtures {
  readonly dataset: string;
  readonly songs: number;
  readonly codec: AcousticCodec;
  readonly tokenizer: SemanticTokenizer;
}

/** Writes `songs` synthetic songs of `seconds` s as partition 0 of `<root>/dataset`, and fits a tiny codec and tokenizer on them. */
export async function makeFixtures(root: string, options: { songs?: number; seconds?: number } = {}): Promise<Fixtures> {
  const dataset = join(root, "dataset");
  await mkdir(dataset, { recursive: true });
  const songs = await writeTestCorpus(dataset, { songs: options.songs ?? 2, seconds: options.seconds ?? 10, seed: 7 });
  const rows = await readTable(stepPath(dataset, 0, "index"), indexTable, { columns: ["audio"] });
  const clips = await Promise.all(rows.map(async (row) => firstChannel(await decodeAudio(row.audio))));
  const model = await fitDefaultCodec(clips, { config: { codebookSize: 32 }, iterations: 3, seed: 1, search: "js", maxTrainingVectors: 4000 });
  const clips16k = await Promise.all(clips.map((clip) => resample(clip, 32000, 16000)));
  const tokenizer = createDefaultTokenizer(fitDefaultTokenizer(clips16k, { codes: 32, iterations: 3, seed: 1 }));
  return { dataset, songs, codec: createDefaultCodec(model), tokenizer };
}

/**
 * A random-weight artist embedder exported to `<root>/embedder` and opened: tiny (depth 1, 2 heads
 * of 8), windows of `ctxN` frames so 3 windows fit the test's short chunks.
 */
export async function makeRandomEmbedder(root: string, ctxN: number): Promise<ArtistEmbedder> {
  const config = artistEmbedderConfig(2, { depth: 1, n_head: 2, head_width: 8, ctx_n: ctxN });
  const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
  const weights = initializeParameters(artistEmbedderParameterSpecs(config, tunables), 3);
  const dir = join(root, "embedder");
  await writeArtistEmbedderExport({ config, tunables, weights }, dir);
  return openArtistEmbedderExport(dir, { threads: 1 });
}

/** The first song of a one-song synthetic corpus under `<root>/corpus`, as an index row to build partitions from. */
export async function oneCorpusSong(root: string): Promise<IndexRow> {
  const corpus = join(root, "corpus");
  await mkdir(corpus, { recursive: true });
  await writeTestCorpus(corpus, { songs: 1, seconds: 9, seed: 3 });
  const [song] = await readTable(stepPath(corpus, 0, "index"), indexTable);
  if (song === undefined) throw new Error(`${corpus}: the test corpus wrote no song`);
  return song;
}

/** Writes `rows` as partition 0 of the dataset `<root>/<name>` and returns the dataset folder. */
export async function onePartitionDataset<Row>(root: string, name: string, table: TableSchema<Row>, rows: Row[]): Promise<string> {
  const dataset = join(root, name);
  await mkdir(join(dataset, "0"), { recursive: true });
  await writeTable(stepPath(dataset, 0, "index"), table, rows);
  return dataset;
}
