import { stat } from "node:fs/promises";

import { type AudioData, audioLength, decodeAudio } from "@autosing/audio-codec";
import { type TableSchema, defineColumn, defineTable, openTable, parseChunkId, stepPath } from "@autosing/parquet-io";

import { TruthChunkError, TruthStemsMissingError } from "./errors.js";
import type { SeparatedStems, SourceSeparator } from "./separator.js";

interface TruthStemsRow {
  id: string;
  vocals: Uint8Array;
  accompaniment: Uint8Array;
}

/** The stem columns of song-corpus's `truth.parquet` (the other truth columns are not read). */
const truthStemsTable: TableSchema<TruthStemsRow> = defineTable<TruthStemsRow>("truth", [
  defineColumn("id", "string"),
  defineColumn("vocals", "binary"),
  defineColumn("accompaniment", "binary"),
]);

/**
 * An ORACLE, not a separator: for synthetic corpora written by @autosing/song-corpus, returns
 * the true vocal and accompaniment stems of a chunk, cut from `<partition>/truth.parquet` at the
 * chunk's start second (from its id `<song>_at_<second>`) for the chunk's length. It lets the
 * pipeline and the models downstream be tested against perfect separation; it cannot separate
 * any other audio and fails for songs without truth.
 */
export async function createTruthSeparator(datasetDir: string, partition: number): Promise<SourceSeparator> {
  const file = stepPath(datasetDir, partition, "truth");
  if (!(await isFile(file))) throw new TruthStemsMissingError(file);
  // Encoded stems of every song of the partition: a partition of synthetic songs fits in memory.
  const stems = new Map<string, TruthStemsRow>();
  const reader = await openTable(file, truthStemsTable);
  for await (const row of reader.rows()) if (!stems.has(row.id)) stems.set(row.id, row);
  let cached: { id: string; vocals: AudioData; accompaniment: AudioData } | undefined;
  const decoded = async (songId: string): Promise<NonNullable<typeof cached>> => {
    if (cached?.id === songId) return cached;
    const row = stems.get(songId);
    if (row === undefined) throw new TruthChunkError(`${file} has no truth for song "${songId}" (the truth separator only works on song-corpus datasets)`);
    cached = {
      id: songId,
      vocals: await decodeAudio(row.vocals, { source: `${file} vocals of ${songId}` }),
      accompaniment: await decodeAudio(row.accompaniment, { source: `${file} accompaniment of ${songId}` }),
    };
    return cached;
  };
  const cut = (stem: AudioData, from: number, length: number): AudioData => ({
    sampleRate: stem.sampleRate,
    channels: stem.channels.map((channel) => channel.slice(from, from + length)),
  });
  return {
    name: "truth",
    async separate({ id, audio }): Promise<SeparatedStems> {
      const parsed = parseChunkId(id);
      if (parsed === undefined) throw new TruthChunkError(`chunk id "${id}" is not <song>_at_<second>`);
      const song = await decoded(parsed.songId);
      if (song.vocals.sampleRate !== audio.sampleRate) {
        throw new TruthChunkError(`chunk ${id} is at ${audio.sampleRate} Hz but the truth stems are at ${song.vocals.sampleRate} Hz`);
      }
      const from = parsed.offsetSeconds * audio.sampleRate;
      const length = audioLength(audio);
      return { vocals: cut(song.vocals, from, length), instrumental: cut(song.accompaniment, from, length) };
    },
    async dispose(): Promise<void> {
      stems.clear();
      cached = undefined;
    },
  };
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}
