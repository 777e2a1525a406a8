/**
 * A small real dataset for the dataset API and viewer tests: `writeTestCorpus` songs run through
 * the library's processing steps as `autosing process` runs them — align, vad_extract (4 s
 * chunks), src_sep with the truth separator, atoks of both stems with a fitted default codec, and
 * stoks with a fitted default tokenizer — in partition 0 of `<root>/<name>`.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { createDefaultCodec, decodeAudio, firstChannel, fitDefaultCodec, resample } from "@autosing/audio-codec";
import { chunkedTable, readTable, stepPath } from "@autosing/parquet-io";
import { align, atoks, createTruthSeparator, srcSep, stoks, vadExtract } from "@autosing/processing";
import { createDefaultTokenizer, fitDefaultTokenizer } from "@autosing/semantic-tokens";
import { writeTestCorpus } from "@autosing/song-corpus";

/** Chunk length of `vad_extract` here: two chunks fit a 10 s song after second 0. */
export const TEST_CHUNK_SECONDS = 4;

export interface ProcessedDataset {
  readonly dir: string;
  readonly songs: number;
  /** Chunk ids of partition 0 in file order. */
  readonly chunkIds: readonly string[];
}

export async function writeProcessedDataset(root: string, name = "corpus", options: { songs?: number; seconds?: number } = {}): Promise<ProcessedDataset> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  const songs = await writeTestCorpus(dir, { songs: options.songs ?? 2, seconds: options.seconds ?? 10, seed: 7 });
  await align(dir, 0);
  await vadExtract(dir, 0, { chunkLength: TEST_CHUNK_SECONDS, minOccupancy: 0.5 });
  const separator = await createTruthSeparator(dir, 0);
  try {
    await srcSep(dir, 0, { separator });
  } finally {
    await separator.dispose();
  }
  const chunks = await readTable(stepPath(dir, 0, "chunked"), chunkedTable, { columns: ["id", "audio"] });
  const clips = await Promise.all(chunks.map(async (row) => firstChannel(await decodeAudio(row.audio))));
  const codecModel = await fitDefaultCodec(clips, { config: { codebookSize: 32 }, iterations: 2, seed: 1, search: "js", maxTrainingVectors: 2000 });
  const codec = createDefaultCodec(codecModel);
  for (const source of ["vocals", "no_vocals"] as const) await atoks(dir, 0, { codec, source });
  const clips16k = await Promise.all(clips.map((clip) => resample(clip, 32000, 16000)));
  const tokenizer = createDefaultTokenizer(fitDefaultTokenizer(clips16k, { codes: 32, iterations: 2, seed: 1 }));
  await stoks(dir, 0, { tokenizer });
  return { dir, songs, chunkIds: chunks.map((row) => row.id) };
}
