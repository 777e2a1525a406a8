/** Rows the align step cannot use are reported (file, row, id, cause) and left out; the good rows are written. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { encodeWav } from "@autosing/audio-codec";
import { type IndexRow, alignmentTable, chunkedTable, defineTable, indexTable, readTable, stepPath } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { AllRowsFailedError, type RowFailure, align, vadExtract } from "../src/index.js";
import { oneCorpusSong, onePartitionDataset } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "autosing-bad-rows-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** index.parquet as a writer that lets `id` be null, to make the broken tables users have. */
const looseIndexTable = defineTable<Omit<IndexRow, "id"> & { id: string | null }>(
  "index",
  indexTable.columns.map((column) => (column.name === "id" ? { ...column, nullable: true } : column)),
);

let good: IndexRow;
beforeAll(async () => {
  good = await oneCorpusSong(root);
});

function partition(name: string, rows: (Omit<IndexRow, "id"> & { id: string | null })[]): Promise<string> {
  return onePartitionDataset(root, name, looseIndexTable, rows);
}

describe("align: rows whose lyrics cannot be aligned", () => {
  it("reports malformed LRC, emoji-only and right-to-left lyrics and a 0.1 s clip as row failures and keeps the good row", async () => {
    const clip = encodeWav({ channels: [new Float32Array(3200).fill(0.1)], sampleRate: 32000 });
    const dataset = await partition("lyrics", [
      { ...good, id: "bad-lrc", lrc_lyrics: "[00:01.00] hello\n[00:0x.00 world", raw_lyrics: null },
      { ...good, id: "emoji", lrc_lyrics: null, raw_lyrics: "🎵🎶 🎤" },
      { ...good, id: "rtl", lrc_lyrics: null, raw_lyrics: "שלום עולם" },
      { ...good, id: "short", audio: clip, lrc_lyrics: null, raw_lyrics: "hello world" },
      good,
    ]);
    const logged: RowFailure[] = [];
    const result = await align(dataset, 0, { onRowFailure: (failure) => logged.push(failure) });
    const file = stepPath(dataset, 0, "index");
    expect(result.failures.map(({ file: f, row, id }) => ({ file: f, row, id }))).toEqual([
      { file, row: 0, id: "bad-lrc" },
      { file, row: 1, id: "emoji" },
      { file, row: 2, id: "rtl" },
      { file, row: 3, id: "short" },
    ]);
    expect(logged).toEqual(result.failures);
    const [lrc, emoji, rtl, short] = result.failures.map((f) => f.message);
    expect(lrc).toMatch(/^LrcParseError: LRC line 2: /);
    expect(emoji).toMatch(/^NoPronounceableWordsError: .*🎵/);
    expect(rtl).toMatch(/^NoPronounceableWordsError: .*שלום/);
    expect(short).toMatch(/^RowInputError: audio is 0\.10 s long; lyrics need at least 1 s/);
    expect(result.rowsOut).toBe(1);
    const rows = await readTable(stepPath(dataset, 0, "alignment"), alignmentTable);
    expect(rows.map((r) => r.id)).toEqual([good.id]);
    expect(rows[0]!.alignment).not.toBeNull();
  });

  it("writes nothing when no row aligns, so the partition stays missing", async () => {
    const dataset = await partition("none", [{ ...good, lrc_lyrics: null, raw_lyrics: "🎵" }]);
    await expect(align(dataset, 0)).rejects.toBeInstanceOf(AllRowsFailedError);
  });
});

describe("a null id", () => {
  it("skips that row with its row number; the rest of the partition is processed", async () => {
    const dataset = await partition("null-id", [good, { ...good, id: null }]);
    const result = await vadExtract(dataset, 0, { chunkLength: 4, minOccupancy: 0 });
    expect(result.failures).toEqual([
      { file: stepPath(dataset, 0, "index"), row: 1, id: "null", message: "RowInputError: the id is null; every row needs an id (rewrite the table with one)" },
    ]);
    expect(result.rowsIn).toBe(2);
    const chunks = await readTable(stepPath(dataset, 0, "chunked"), chunkedTable, { columns: ["id"] });
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(chunk.id.startsWith(`${good.id}_at_`)).toBe(true);
  });
});
