/**
 * Builders of hostile inputs for the hostile-input suite: damaged and odd audio, broken Parquet
 * tables, malformed LRC. Each returns bytes (or writes a dataset folder), so a case decides where
 * its input lives. Deterministic: the same call gives the same bytes.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";
import { encodeWav } from "@autosing/audio-codec";
import { defineColumn, defineTable, stepTableByName, writeTable } from "@autosing/parquet-io";

/** One second of a harmonic tone: long enough for every command that takes audio. */
export function toneWav(sampleRate = 32000, seconds = 1, format: "int16" | "float32" = "int16"): Uint8Array {
  const n = Math.round(sampleRate * seconds);
  const samples = Float32Array.from({ length: n }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 220 * i) / sampleRate) + 0.1 * Math.sin((2 * Math.PI * 660 * i) / sampleRate));
  return encodeWav({ sampleRate, channels: [samples] }, format);
}

export function randomBytes(length: number, seed: number): Uint8Array {
  const random = Mulberry32.fromKey(seed, "hostile-bytes");
  return Uint8Array.from({ length }, () => Math.floor(random.next() * 256));
}

/** Offset of the `data` chunk's size field. */
function dataSizeOffset(wav: Uint8Array): number {
  for (let p = 12; p + 8 <= wav.length; ) {
    const id = String.fromCharCode(...wav.subarray(p, p + 4));
    if (id === "data") return p + 4;
    p += 8 + new DataView(wav.buffer, wav.byteOffset + p + 4, 4).getUint32(0, true);
  }
  throw new Error("no data chunk");
}

/** The kinds of damaged or odd audio, by name; `valid` says whether a command should accept it. */
export const HOSTILE_AUDIO: Record<string, { file: string; bytes: () => Uint8Array; valid: boolean }> = {
  "truncated WAV": { file: "truncated.wav", bytes: () => toneWav().subarray(0, 30), valid: false },
  "WAV header lying about its size": {
    file: "lying.wav",
    bytes: () => {
      const wav = toneWav().slice();
      new DataView(wav.buffer).setUint32(dataSizeOffset(wav), 0x7fff_fff0, true);
      return wav.subarray(0, 44 + 1000);
    },
    valid: false,
  },
  "0-sample WAV": { file: "empty.wav", bytes: () => encodeWav({ sampleRate: 32000, channels: [new Float32Array(0)] }), valid: false },
  "zero-byte file": { file: "zero.wav", bytes: () => new Uint8Array(0), valid: false },
  "NaN samples in a float WAV": {
    file: "nan.wav",
    bytes: () => {
      const wav = toneWav(32000, 1, "float32").slice();
      const view = new DataView(wav.buffer);
      for (let p = dataSizeOffset(wav) + 4 + 400; p < wav.length; p += 4000) view.setFloat32(p, Number.NaN, true);
      return wav;
    },
    valid: false,
  },
  "random bytes named .flac": { file: "noise.flac", bytes: () => Uint8Array.of(0x66, 0x4c, 0x61, 0x43, ...randomBytes(2000, 1)), valid: false },
  "random bytes named .mp3": { file: "noise.mp3", bytes: () => randomBytes(2000, 2), valid: false },
  "8 kHz mono WAV": { file: "low-rate.wav", bytes: () => toneWav(8000, 1.5), valid: true },
};

/** The ways a step table can be broken, by name; each writes `<dataset>/0/<table>.parquet`. */
export const BROKEN_PARQUET: Record<string, (dataset: string, table: string) => Promise<void>> = {
  "random bytes as Parquet": async (dataset, table) => {
    mkdirSync(join(dataset, "0"), { recursive: true });
    writeFileSync(join(dataset, "0", `${table}.parquet`), randomBytes(3000, 3));
  },
  "a table missing a column": async (dataset, table) => {
    mkdirSync(join(dataset, "0"), { recursive: true });
    await writeTable(join(dataset, "0", `${table}.parquet`), defineTable<{ id: string }>(table, [defineColumn("id", "string")]), [{ id: "song-a" }]);
  },
  "a column of the wrong type": async (dataset, table) => {
    mkdirSync(join(dataset, "0"), { recursive: true });
    const wrong = defineTable<{ id: string; audio: string }>(table, [defineColumn("id", "string"), defineColumn("audio", "string")]);
    await writeTable(join(dataset, "0", `${table}.parquet`), wrong, [{ id: "song-a", audio: "not bytes" }]);
  },
  "an empty table": async (dataset, table) => {
    const schema = stepTableByName(table);
    if (schema === undefined) throw new Error(`no step table is called ${table}`);
    await writeTable(join(dataset, "0", `${table}.parquet`), schema, []);
  },
};

/** Malformed LRC files, by name. */
export const MALFORMED_LRC: Record<string, string> = {
  "a malformed time stamp": "[00:01.00] la la\n[01:6x.00] broken stamp\n",
  "seconds out of range": "[00:75.00] too many seconds\n",
  "an offset that is not a number": "[offset:soon]\n[00:01.00] la\n",
};

/** Lyrics no aligner can use, by name. */
export const UNUSABLE_LYRICS: Record<string, string> = {
  "emoji-only lyrics": "🎵🎶🎵\n🎶🎵\n",
  "punctuation-only lyrics": "... !!! ???\n--\n",
  "an empty lyrics file": "",
};
