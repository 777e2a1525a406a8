import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { mulberry32 } from "@autosing/base";
import { parquetMetadataAsync } from "hyparquet";
import { parquetWriteFile } from "hyparquet-writer";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  ColumnTypeError,
  MissingColumnError,
  ParquetFileError,
  ParquetIoError,
  type ChunkedRow,
  artistEmbsTable,
  chunkedTable,
  createTableWriter,
  defineColumn,
  defineTable,
  openTable,
  readTable,
  stoksTable,
  writeTable,
} from "../src/index.js";
import { readNumberListColumn } from "../src/list-reader.js";
import { syntheticAlignment, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

function chunkedRows(count: number, seed = 1): ChunkedRow[] {
  const rng = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `song${i}_at_${i * 30}`,
    audio: Uint8Array.from({ length: 100 + i }, () => Math.floor(rng() * 256)),
    alignment: i % 3 === 2 ? null : syntheticAlignment(0, 3 + (i % 4)),
    artist: i % 2 === 0 ? `artist${i % 5}` : null,
  }));
}

describe("step tables round trip", () => {
  it("writes and reads chunked rows: binary audio, nullable alignment struct with lists, strings", async () => {
    const file = join(dir, "0", "chunked.parquet");
    const rows = chunkedRows(7);
    await writeTable(file, chunkedTable, rows);
    const back = await readTable(file, chunkedTable);
    expect(back).toHaveLength(7);
    for (let i = 0; i < rows.length; i += 1) {
      const [a, b] = [rows[i]!, back[i]!];
      expect(b.id).toBe(a.id);
      expect(b.audio).toBeInstanceOf(Uint8Array);
      expect(Array.from(b.audio)).toEqual(Array.from(a.audio));
      expect(b.artist).toBe(a.artist);
      if (a.alignment === null) {
        expect(b.alignment).toBeNull();
      } else {
        expect(b.alignment).not.toBeNull();
        expect(b.alignment!.starts).toBeInstanceOf(Float64Array);
        expect(Array.from(b.alignment!.starts)).toEqual(Array.from(a.alignment.starts));
        expect(Array.from(b.alignment!.tokens)).toEqual(Array.from(a.alignment.tokens));
        expect(b.alignment!.words).toEqual(a.alignment.words);
        expect(b.alignment!.lines).toEqual(a.alignment.lines);
        expect(Array.from(b.alignment!.words_per_line)).toEqual(Array.from(a.alignment.words_per_line));
        expect(b.alignment!.inlier_ratio).toBe(0.9);
        expect(b.alignment!.lrclib_offset).toBeNull();
      }
    }
    // only the final file remains: no temp file left beside it
    expect(await readdir(join(dir, "0"))).toEqual(["chunked.parquet"]);
  });

  it("round trips token and embedding lists as Int32Array / Float32Array", async () => {
    const file = join(dir, "stoks.parquet");
    const values = Int32Array.from({ length: 750 }, (_, i) => (i * 7) % 2048);
    await writeTable(file, stoksTable, [{ id: "a", values }]);
    const [row] = await readTable(file, stoksTable);
    expect(row!.values).toBeInstanceOf(Int32Array);
    expect(Array.from(row!.values)).toEqual(Array.from(values));

    const embsFile = join(dir, "artist_embs.parquet");
    const embs = Float32Array.from({ length: 768 }, (_, i) => Math.sin(i));
    await writeTable(embsFile, artistEmbsTable, [{ id: "a", embs }]);
    const [embRow] = await readTable(embsFile, artistEmbsTable);
    expect(embRow!.embs).toBeInstanceOf(Float32Array);
    expect(Array.from(embRow!.embs)).toEqual(Array.from(embs));
  });

  it("streams row group by row group with column projection", async () => {
    const file = join(dir, "chunked.parquet");
    const writer = await createTableWriter(file, chunkedTable, { rowGroupRows: 4 });
    writer.append(chunkedRows(10));
    writer.finish();
    const reader = await openTable(file, chunkedTable);
    expect(reader.numRows).toBe(10);
    expect(reader.numRowGroups).toBe(3);
    const sizes: number[] = [];
    for await (const group of reader.rowGroups({ columns: ["id"] })) {
      sizes.push(group.length);
      for (const row of group) expect(Object.keys(row)).toEqual(["id"]);
    }
    expect(sizes).toEqual([4, 4, 2]);
  });

  it("cuts row groups by bytes", async () => {
    const file = join(dir, "chunked.parquet");
    const writer = await createTableWriter(file, chunkedTable, { rowGroupBytes: 250 });
    writer.append(chunkedRows(6));
    writer.finish();
    const reader = await openTable(file, chunkedTable);
    expect(reader.numRowGroups).toBeGreaterThanOrEqual(3);
    await reader.close();
  });
});

describe("bad input", () => {
  it("names the file and the missing column", async () => {
    const file = join(dir, "stoks.parquet");
    const other = defineTable<{ id: string; other: Int32Array }>("stoks", [defineColumn("id", "string"), defineColumn("other", "int-list")]);
    await writeTable(file, other, [{ id: "a", other: Int32Array.of(1) }]);
    const error = await openTable(file, stoksTable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingColumnError);
    expect(ParquetIoError.isInstance(error)).toBe(true);
    expect(String(error)).toContain(file);
    expect(String(error)).toContain('missing column "values"');
  });

  it("names the file and the column of the wrong type", async () => {
    const file = join(dir, "stoks.parquet");
    const wrong = defineTable<{ id: string; values: string }>("stoks", [defineColumn("id", "string"), defineColumn("values", "string")]);
    await writeTable(file, wrong, [{ id: "a", values: "x" }]);
    const error = await openTable(file, stoksTable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColumnTypeError);
    expect(String(error)).toMatch(/stoks\.parquet: column "values": expected list<INT32\|INT64>, got BYTE_ARRAY/);
  });

  it("refuses text where encoded audio belongs when opening, not per row", async () => {
    const file = join(dir, "chunked.parquet");
    const text = defineTable<{ id: string; audio: string }>("chunked", [defineColumn("id", "string"), defineColumn("audio", "string")]);
    await writeTable(file, text, [{ id: "a", audio: "not bytes" }]);
    const error = await openTable(file, chunkedTable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColumnTypeError);
    expect(String(error)).toMatch(/chunked\.parquet: column "audio": expected BYTE_ARRAY, got BYTE_ARRAY\((STRING|UTF8)\)/);
    // Plain BYTE_ARRAY (what pyarrow writes for binary) still opens.
    await writeTable(file, chunkedTable, chunkedRows(1));
    await (await openTable(file, chunkedTable)).close();
  });

  it("rejects a truncated file and a file that is not Parquet, naming the file", async () => {
    const file = join(dir, "chunked.parquet");
    await writeTable(file, chunkedTable, chunkedRows(5));
    const bytes = await readFile(file);
    const truncated = join(dir, "truncated.parquet");
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const error = await openTable(truncated, chunkedTable).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ParquetFileError);
    expect(String(error)).toContain("truncated.parquet");
    const text = join(dir, "text.parquet");
    await writeFile(text, "id,audio\n");
    await expect(openTable(text, chunkedTable)).rejects.toThrow(/text\.parquet: not a readable Parquet file/);
    await expect(openTable(join(dir, "absent.parquet"), chunkedTable)).rejects.toThrow(/absent\.parquet: cannot open/);
  });

  it("names the column when a data page is corrupt", async () => {
    const file = join(dir, "stoks.parquet");
    const rng = mulberry32(5);
    const values = Int32Array.from({ length: 5000 }, () => Math.floor(rng() * 2048));
    await writeTable(file, stoksTable, [{ id: "a", values }]);
    const bytes = Buffer.from(await readFile(file));
    // Overwrite the middle of the values chunk, keeping the footer intact.
    bytes.fill(0xff, 200, 600);
    await writeFile(file, bytes);
    const reader = await openTable(file, stoksTable);
    const error = await reader.readAll().catch((e: unknown) => e);
    expect(ParquetIoError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/stoks\.parquet: column "values"/);
    await reader.close();
  });

  it("refuses a row whose value does not fit the column, naming file, column and row, and writes nothing", async () => {
    const file = join(dir, "stoks.parquet");
    const bad = [{ id: "a", values: Int32Array.of(1) }, { id: "b", values: "oops" as unknown as Int32Array }];
    const error = await writeTable(file, stoksTable, bad).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ColumnTypeError);
    expect(String(error)).toMatch(/stoks\.parquet: column "values" row 1/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe("list edge cases", () => {
  it("round trips empty token lists and empty embeddings next to full ones", async () => {
    const file = join(dir, "stoks.parquet");
    const rows = [
      { id: "a", values: new Int32Array(0) },
      { id: "b", values: Int32Array.of(4095, 0, -3) },
      { id: "c", values: new Int32Array(0) },
    ];
    await writeTable(file, stoksTable, rows);
    const back = await readTable(file, stoksTable);
    expect(back.map((r) => Array.from(r.values))).toEqual([[], [4095, 0, -3], []]);
    const embsFile = join(dir, "artist_embs.parquet");
    await writeTable(embsFile, artistEmbsTable, [{ id: "a", embs: new Float32Array(0) }, { id: "b", embs: Float32Array.of(1.5) }]);
    expect((await readTable(embsFile, artistEmbsTable)).map((r) => Array.from(r.embs))).toEqual([[], [1.5]]);
  });
});

describe("lists written the way pyarrow writes them", () => {
  it("reads RLE_DICTIONARY int64 lists spread over many small pages", async () => {
    const file = join(dir, "stoks.parquet");
    const lists = Array.from({ length: 6 }, (_, r) => Array.from({ length: 700 }, (_, i) => BigInt((i * 13 + r) % 50)));
    parquetWriteFile({
      filename: file,
      columnData: [
        { name: "id", data: lists.map((_, r) => `r${r}`) },
        { name: "values", data: lists, encoding: "RLE_DICTIONARY" },
      ],
      schema: [
        { name: "schema", num_children: 2 },
        { name: "id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
        { name: "values", repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST" },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "INT64", repetition_type: "OPTIONAL" },
      ],
      pageSize: 256,
    });
    const rows = await readTable(file, stoksTable);
    expect(rows.map((r) => r.id)).toEqual(["r0", "r1", "r2", "r3", "r4", "r5"]);
    for (const [r, row] of rows.entries()) expect(Array.from(row.values)).toEqual(lists[r]!.map(Number));
    // and it went through the typed fast path (dictionary page + data pages), not the fallback
    const bytes = await readFile(file);
    const buffer = { byteLength: bytes.length, slice: (start: number, end?: number) => bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + (end ?? bytes.length)) };
    const fast = await readNumberListColumn(buffer, await parquetMetadataAsync(buffer), 0, "values", "int", {});
    expect(fast?.map((v) => v?.length)).toEqual([700, 700, 700, 700, 700, 700]);
  });
});
