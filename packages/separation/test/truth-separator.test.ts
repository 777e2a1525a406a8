import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type AudioData, encodeWav } from "@autosing/audio-codec";
import { defineColumn, defineTable, stepPath, writeTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SeparationError, SeparatorOptionError, TruthChunkError, TruthStemsMissingError, createTruthSeparator, loadSeparator } from "../src/index.js";

const RATE = 8000;

/** The stem columns of song-corpus's truth.parquet, as the oracle reads them. */
const truthTable = defineTable<{ id: string; vocals: Uint8Array; accompaniment: Uint8Array }>("truth", [
  defineColumn("id", "string"),
  defineColumn("vocals", "binary"),
  defineColumn("accompaniment", "binary"),
]);

/** 3 s of a ramp (vocals) and its negation plus one (accompaniment): every sample tells where it was cut. */
function stem(sign: number): AudioData {
  return { sampleRate: RATE, channels: [Float32Array.from({ length: 3 * RATE }, (_, i) => (sign < 0 ? 1 : 0) + (sign * i) / (3 * RATE))] };
}

describe("the truth-stems oracle", () => {
  let dataset: string;
  beforeAll(async () => {
    dataset = await mkdtemp(join(tmpdir(), "truth-separator-"));
    await mkdir(join(dataset, "0"), { recursive: true });
    await writeTable(stepPath(dataset, 0, "truth"), truthTable, [{ id: "song", vocals: encodeWav(stem(1), "float32"), accompaniment: encodeWav(stem(-1), "float32") }]);
  });
  afterAll(async () => {
    await rm(dataset, { recursive: true, force: true });
  });

  it("cuts the true stems at the chunk's start second for the chunk's length", async () => {
    const separator = await loadSeparator("truth", dataset, 0);
    expect(separator.name).toBe("truth");
    const chunk: AudioData = { sampleRate: RATE, channels: [new Float32Array(RATE)] };
    const { vocals, instrumental } = await separator.separate({ id: "song_at_1", audio: chunk });
    await separator.dispose();
    expect(vocals.sampleRate).toBe(RATE);
    expect(Array.from(vocals.channels[0]!)).toEqual(Array.from(stem(1).channels[0]!.slice(RATE, 2 * RATE)));
    expect(Array.from(instrumental.channels[0]!)).toEqual(Array.from(stem(-1).channels[0]!.slice(RATE, 2 * RATE)));
  });

  it("fails per chunk for ids it cannot place and audio at another rate", async () => {
    const separator = await createTruthSeparator(dataset, 0);
    const chunk: AudioData = { sampleRate: RATE, channels: [new Float32Array(RATE)] };
    await expect(separator.separate({ id: "song", audio: chunk })).rejects.toThrow(/chunk id "song" is not <song>_at_<second>/);
    await expect(separator.separate({ id: "other_at_0", audio: chunk })).rejects.toBeInstanceOf(TruthChunkError);
    await expect(separator.separate({ id: "song_at_0", audio: { sampleRate: 16000, channels: [new Float32Array(10)] } })).rejects.toThrow(/is at 16000 Hz but the truth stems are at 8000 Hz/);
    await separator.dispose();
  });

  it("names the missing truth.parquet and the separator specs it accepts", async () => {
    const missing = await createTruthSeparator(dataset, 1).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(TruthStemsMissingError);
    // The hint names a command that exists (it once said "autosing process corpus make").
    expect((missing as Error).message).toMatch(/truth\.parquet does not exist: the truth separator reads the true stems that "autosing corpus make" writes/);
    expect((missing as Error).message).not.toContain("autosing process");
    expect(SeparationError.isInstance(missing)).toBe(true);
    const spec = await loadSeparator("mdx", dataset, 0).catch((e: unknown) => e);
    expect(spec).toBeInstanceOf(SeparatorOptionError);
    expect((spec as Error).message).toBe('src_sep: option separator = "mdx": must be "mdx:<model.onnx>", "roformer:<dir from autosing import separator>" or "truth" (the oracle for synthetic corpora)');
  });
});
