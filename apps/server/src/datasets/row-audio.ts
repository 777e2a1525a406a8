/**
 * One row's audio from a served partition: the mix (`chunked`, or `index` for a partition not
 * chunked yet), the vocals (`vocals`) or the instrumental (`no_vocals`). Used by the viewer's
 * players and by sing jobs that take their reference from a dataset row. Reads one row group of
 * (id, audio) at a time and stops at the row, so memory is one row group of audio.
 */
import { stat } from "node:fs/promises";

import { type AudioFormat, decodeAudio, detectAudioFormat, encodeWav } from "@autosing/audio-codec";
import { chunkedTable, indexTable, openTable, stemTable, stepPath } from "@autosing/parquet-io";

import type { ServedPartition } from "./dataset-catalog.js";
import { RowAudioError } from "./errors.js";

export const ROW_AUDIO_TRACKS = ["mix", "vocals", "instrumental"] as const;
export type RowAudioTrack = (typeof ROW_AUDIO_TRACKS)[number];

export interface RowAudio {
  /** The stored bytes (or a WAV encoding of them when asked). */
  readonly bytes: Uint8Array;
  readonly format: AudioFormat;
  /** `audio/wav`, `audio/flac`, `audio/mpeg`, `audio/ogg`. */
  readonly contentType: string;
  /** The table the bytes came from. */
  readonly table: string;
}

const CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  wav: "audio/wav",
  flac: "audio/flac",
  mp3: "audio/mpeg",
  "ogg-vorbis": "audio/ogg",
  "ogg-opus": "audio/ogg",
};

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** The table holding a track's audio in this partition, or undefined when the step that writes it has not run. */
async function trackTable(served: ServedPartition, track: RowAudioTrack): Promise<{ file: string; name: string; schema: typeof chunkedTable | typeof indexTable | ReturnType<typeof stemTable> } | undefined> {
  const { dir } = served.dataset;
  const p = served.partition;
  if (track === "vocals" || track === "instrumental") {
    const name = track === "vocals" ? "vocals" : "no_vocals";
    const file = stepPath(dir, p, name);
    return (await exists(file)) ? { file, name, schema: stemTable(name) } : undefined;
  }
  const chunked = stepPath(dir, p, "chunked");
  if (await exists(chunked)) return { file: chunked, name: "chunked", schema: chunkedTable };
  const index = stepPath(dir, p, "index");
  return (await exists(index)) ? { file: index, name: "index", schema: indexTable } : undefined;
}

/**
 * The audio of row `id` on `track`, as stored (its real content type), or re-encoded as 16-bit
 * WAV with `asWav` (for a browser that cannot play the stored format). Undefined when the row or
 * the track's table does not exist; RowAudioError when the bytes are no audio format we know.
 */
export async function readRowAudio(served: ServedPartition, id: string, track: RowAudioTrack, options: { asWav?: boolean } = {}): Promise<RowAudio | undefined> {
  const table = await trackTable(served, track);
  if (table === undefined) return undefined;
  const reader = await openTable(table.file, table.schema as typeof chunkedTable);
  let bytes: Uint8Array | undefined;
  for await (const group of reader.rowGroups({ columns: ["id", "audio"] })) {
    bytes = group.find((row) => row.id === id)?.audio;
    if (bytes !== undefined) break;
  }
  if (bytes === undefined) return undefined;
  const source = `${served.dataset.name}/${served.partition}/${table.name}.parquet row ${id}`;
  const format = detectAudioFormat(bytes);
  if (format === undefined) throw new RowAudioError(`${source}: the audio cell is no format we know (WAV, FLAC, MP3, Ogg Vorbis/Opus)`);
  if (options.asWav === true && format !== "wav") {
    try {
      return { bytes: encodeWav(await decodeAudio(bytes, { source, format })), format: "wav", contentType: CONTENT_TYPES.wav, table: table.name };
    } catch (error) {
      throw new RowAudioError(`${source}: cannot decode the ${format} audio: ${(error as Error).message}`, { cause: error });
    }
  }
  return { bytes, format, contentType: CONTENT_TYPES[format], table: table.name };
}
