import { join } from "node:path";

import { tableFromIPC } from "apache-arrow";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type ArrowColumn, ArrowRowError, rowsToArrowIpc, rowsToArrowTable } from "../src/arrow.js";
import { chunkedTable, makeAlignment, readTable, stoksTable, writeTable } from "../src/index.js";
import { tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir("arrow-bridge-")));
afterAll(async () => cleanup());

// Two words on one line: "hi" = tokens 0..1 (0.5 → 1.0 s), "there" = token 2 (1.25 → 1.75 s).
const alignment = makeAlignment({
  starts: [0.5, 0.75, 1.25],
  ends: [0.7, 1.0, 1.75],
  scores: [-0.1, -0.2, -0.3],
  tokens: [5, 6, 7],
  words: ["hi", "there"],
  lines: ["hi there"],
  tokens_per_word: [2, 1],
  words_per_line: [2],
  inlier_ratio: 0.875,
  lrclib_offset: -0.5,
});

describe("rowsToArrowIpc", () => {
  it("turns rows read from Parquet files into typed Arrow columns, audio left out", async () => {
    await writeTable(join(dir, "chunked.parquet"), chunkedTable, [
      { id: "a_at_1", audio: new Uint8Array([1, 2, 3]), alignment, artist: "Elsie Moon" },
      { id: "b_at_2", audio: new Uint8Array([4]), alignment: null, artist: null },
    ]);
    await writeTable(join(dir, "stoks.parquet"), stoksTable, [
      { id: "a_at_1", values: Int32Array.from([0, 1, 2, 749]) },
      { id: "b_at_2", values: Int32Array.from([]) },
    ]);
    const chunks = await readTable(join(dir, "chunked.parquet"), chunkedTable);
    const stoks = await readTable(join(dir, "stoks.parquet"), stoksTable);
    const rows = chunks.map((chunk, i) => ({ ...chunk, stoks: stoks[i]!.values, inlier: chunk.alignment?.inlier_ratio ?? null }));
    const columns: ArrowColumn[] = [
      ...chunkedTable.columns,
      { name: "stoks", type: "int-list", nullable: false },
      { name: "inlier", type: "number", nullable: true },
    ];

    const table = tableFromIPC(rowsToArrowIpc(columns, rows, { metadata: { total: "2" } }));
    expect(table.schema.metadata.get("total")).toBe("2");

    expect(table.numRows).toBe(2);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id", "alignment", "artist", "stoks", "inlier"]);
    // The types as read back from the IPC bytes (Arrow's own notation).
    expect(Object.fromEntries(table.schema.fields.map((f) => [f.name, String(f.type)]))).toEqual({
      id: "Utf8",
      alignment:
        "Struct<{words:List<Utf8>, word_starts:List<Float32>, word_ends:List<Float32>, lines:List<Utf8>, words_per_line:List<Int32>, inlier_ratio:Float64, lrclib_offset:Float64}>",
      artist: "Utf8",
      stoks: "List<Int32>",
      inlier: "Float64",
    });
    expect(table.schema.fields.find((f) => f.name === "id")!.nullable).toBe(false);

    expect(table.getChild("id")!.toArray()).toEqual(["a_at_1", "b_at_2"]);
    expect(table.getChild("artist")!.get(1)).toBeNull();
    expect([...table.getChild("inlier")!]).toEqual([0.875, null]);
    const stoksColumn = table.getChild("stoks")!;
    expect(stoksColumn.get(0)!.toArray()).toEqual(Int32Array.from([0, 1, 2, 749]));
    expect(stoksColumn.get(1)!.length).toBe(0);

    const first = table.getChild("alignment")!.get(0)!;
    expect([...first.words]).toEqual(["hi", "there"]);
    expect(first.word_starts.toArray()).toEqual(Float32Array.from([0.5, 1.25]));
    expect(first.word_ends.toArray()).toEqual(Float32Array.from([1.0, 1.75]));
    expect([...first.lines]).toEqual(["hi there"]);
    expect(first.words_per_line.toArray()).toEqual(Int32Array.from([2]));
    expect(first.inlier_ratio).toBe(0.875);
    expect(first.lrclib_offset).toBe(-0.5);
    expect(table.getChild("alignment")!.get(1)).toBeNull();
  });

  it("keeps binary columns only when asked, and refuses a missing cell of a non-nullable column", () => {
    const columns: ArrowColumn[] = [
      { name: "id", type: "string", nullable: false },
      { name: "audio", type: "binary", nullable: false },
      { name: "embs", type: "float-list", nullable: true },
    ];
    const rows = [{ id: "x", audio: new Uint8Array([9, 8]), embs: Float32Array.from([0.25, -1]) }, { id: "y", audio: new Uint8Array([]), embs: null }];
    const table = rowsToArrowTable(columns, rows, { includeBinary: true });
    expect(String(table.schema.fields[1]!.type)).toBe("Binary");
    expect(table.getChild("audio")!.get(0)).toEqual(new Uint8Array([9, 8]));
    expect(table.getChild("embs")!.get(0)!.toArray()).toEqual(Float32Array.from([0.25, -1]));
    expect(table.getChild("embs")!.get(1)).toBeNull();
    expect(rowsToArrowTable(columns, rows).schema.fields.map((f) => f.name)).toEqual(["id", "embs"]);
    expect(() => rowsToArrowTable(columns, [{ id: "z", audio: new Uint8Array() }, { audio: new Uint8Array() }])).toThrow(ArrowRowError);
    expect(() => rowsToArrowTable(columns, [{ audio: new Uint8Array() }])).toThrow(/row 0, column "id": no value, and the column \(string\) is not nullable/);
  });

  it("writes an empty page of rows as a readable stream with the schema", () => {
    const table = tableFromIPC(rowsToArrowIpc([{ name: "id", type: "string", nullable: false }], []));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(["id"]);
  });
});
