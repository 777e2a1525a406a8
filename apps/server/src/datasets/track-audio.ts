/**
 * The audio a player asks for: a row's mix (`chunked`, or `index` for a partition not chunked
 * yet), vocals (`vocals`) or instrumental (`no_vocals`), with the content type its bytes really
 * have, or re-encoded as WAV on request. Built on `readRowAudio` (row-audio.ts), which finds the
 * row's bytes.
 */
import { access } from "node:fs/promises";

import type { AudioFormat } from "@autosing/audio-codec";
import { stepPath } from "@autosing/parquet-io";

import type { ServedPartition } from "./dataset-catalog.js";
import { RowAudioError } from "./errors.js";
import { type AudioTable, readRowAudio } from "./row-audio.js";

export const ROW_AUDIO_TRACKS = ["mix", "vocals", "instrumental"] as const;
export type RowAudioTrack = (typeof ROW_AUDIO_TRACKS)[number];

export interface TrackAudio {
  /** The stored bytes (or a WAV encoding of them when asked). */
  readonly bytes: Uint8Array;
  readonly format: AudioFormat;
  /** `audio/wav`, `audio/flac`, `audio/mpeg`, `audio/ogg`. */
  readonly contentType: string;
  /** The table the bytes came from. */
  readonly table: AudioTable;
}

const CONTENT_TYPES: Readonly<Record<AudioFormat, string>> = {
  wav: "audio/wav",
  flac: "audio/flac",
  mp3: "audio/mpeg",
  "ogg-vorbis": "audio/ogg",
  "ogg-opus": "audio/ogg",
};

/** The table holding a track: the mix of a chunked partition is its chunk, else the song. */
async function trackTable(served: ServedPartition, track: RowAudioTrack): Promise<AudioTable> {
  if (track === "vocals") return "vocals";
  if (track === "instrumental") return "no_vocals";
  const chunked = await access(stepPath(served.dataset.dir, served.partition, "chunked")).then(
    () => true,
    () => false,
  );
  return chunked ? "chunked" : "index";
}

/**
 * The audio of row `id` on `track`, as stored, or as 16-bit WAV with `asWav`. Undefined when the
 * row or the track's table does not exist; RowAudioError when the bytes are no format we know.
 */
export async function readTrackAudio(served: ServedPartition, id: string, track: RowAudioTrack, options: { asWav?: boolean } = {}): Promise<TrackAudio | undefined> {
  const { decodeAudio, detectAudioFormat, encodeWav } = await import("@autosing/audio-codec");
  const table = await trackTable(served, track);
  const bytes = await readRowAudio(served.dataset.dir, served.partition, table, id);
  if (bytes === undefined) return undefined;
  const source = `${served.dataset.name}/${served.partition}/${table}.parquet row ${id}`;
  const format = detectAudioFormat(bytes);
  if (format === undefined) throw new RowAudioError(`${source}: the audio cell is no format we know (WAV, FLAC, MP3, Ogg Vorbis/Opus)`);
  if (options.asWav === true && format !== "wav") {
    try {
      return { bytes: encodeWav(await decodeAudio(bytes, { source, format })), format: "wav", contentType: CONTENT_TYPES.wav, table };
    } catch (error) {
      throw new RowAudioError(`${source}: cannot decode the ${format} audio: ${(error as Error).message}`, { cause: error });
    }
  }
  return { bytes, format, contentType: CONTENT_TYPES[format], table };
}
