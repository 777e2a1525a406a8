/**
 * Interoperability against an independent engine: DuckDB writes files this package reads (the
 * shapes pandas/pyarrow write: dictionary strings, int16/int64 lists, nested structs with list
 * fields, binary), and reads the files this package writes, including the alignment struct.
 */
import { join } from "node:path";

import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { alignmentCover, alignmentTable, chunkedTable, defineColumn, defineTable, readTable, stoksTable, writeTable } from "../src/index.js";
import { syntheticAlignment, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
let instance: DuckDBInstance;
let connection: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(":memory:");
  connection = await instance.connect();
});
afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const reader = await connection.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

const alignmentSql = `CASE WHEN i % 3 = 2 THEN NULL ELSE {
  'starts': [0.5 + i, 1.5 + i]::DOUBLE[], 'ends': [1.0 + i, 2.0 + i]::DOUBLE[], 'scores': [-0.5, -0.25]::DOUBLE[],
  'tokens': [7, 9]::BIGINT[], 'words': ['la', 'di'], 'lines': ['la di'],
  'tokens_per_word': [1, 1]::BIGINT[], 'words_per_line': [2]::BIGINT[],
  'inlier_ratio': CASE WHEN i % 2 = 0 THEN 0.5 ELSE NULL END, 'lrclib_offset': NULL::DOUBLE } END`;

describe("DuckDB writes, parquet-io reads", () => {
  it("reads a chunked table with dictionary-encoded strings, binary audio and the alignment struct", async () => {
    const file = join(dir, "chunked.parquet");
    await connection.run(`COPY (SELECT 'song' || (i % 4) || '_at_' || i AS id,
        ('\\x00\\x01'::BLOB || (i::VARCHAR)::BLOB) AS audio,
        ${alignmentSql} AS alignment,
        'artist' || (i % 2) AS artist
      FROM range(300) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 100)`);
    // DuckDB dictionary-encodes the low-cardinality artist strings; check it did.
    const encodings = await query(`SELECT DISTINCT encodings FROM parquet_metadata('${file}') WHERE path_in_schema = 'artist'`);
    expect(JSON.stringify(encodings)).toMatch(/DICTIONARY/);

    const rows = await readTable(file, chunkedTable);
    expect(rows).toHaveLength(300);
    expect(rows[299]!.artist).toBe("artist1");
    expect(rows[5]!.id).toBe("song1_at_5");
    expect(Array.from(rows[5]!.audio)).toEqual([0, 1, ..."5"].map((c) => (typeof c === "number" ? c : c.charCodeAt(0))));
    expect(rows[5]!.artist).toBe("artist1");
    expect(rows[2]!.alignment).toBeNull();
    const alignment = rows[4]!.alignment!;
    expect(Array.from(alignment.starts)).toEqual([4.5, 5.5]);
    expect(Array.from(alignment.tokens)).toEqual([7, 9]);
    expect(alignment.words).toEqual(["la", "di"]);
    expect(alignment.inlier_ratio).toBe(0.5);
    expect(rows[1]!.alignment!.inlier_ratio).toBeNull();
    expect(alignmentCover(alignment)).toBe(0 + 0.5 + 0.5);
  });

  it("reads int16 and int32 token lists and float lists", async () => {
    const file = join(dir, "stoks.parquet");
    await connection.run(`COPY (SELECT 'x' || i AS id, [i, i + 1, 2047]::SMALLINT[] AS "values" FROM range(3) t(i)) TO '${file}' (FORMAT parquet)`);
    const rows = await readTable(file, stoksTable);
    expect(rows.map((r) => Array.from(r.values))).toEqual([[0, 1, 2047], [1, 2, 2047], [2, 3, 2047]]);
    const embsFile = join(dir, "artist_embs.parquet");
    await connection.run(`COPY (SELECT 'x' AS id, [0.5, -1.25]::DOUBLE[] AS embs) TO '${embsFile}' (FORMAT parquet, COMPRESSION zstd)`);
    const embsTable = defineTable<{ id: string; embs: Float32Array }>("artist_embs", [defineColumn("id", "string"), defineColumn("embs", "float-list")]);
    const [emb] = await readTable(embsFile, embsTable);
    expect(Array.from(emb!.embs)).toEqual([0.5, -1.25]);
  });
});

describe("DuckDB-written token lists (fast typed path and its fallbacks)", () => {
  it("reads large PLAIN int64 lists (several pages per column chunk)", async () => {
    const file = join(dir, "atoks.parquet");
    await connection.run(`COPY (SELECT 'r' || r AS id, list_transform(range(150000), x -> ((x * 7 + r) % 100)::BIGINT) AS "values"
      FROM range(3) t(r)) TO '${file}' (FORMAT parquet)`);
    const rows = await readTable(file, stoksTable);
    expect(rows.map((r) => r.values.length)).toEqual([150000, 150000, 150000]);
    for (const [r, row] of rows.entries()) {
      expect(row.values).toBeInstanceOf(Int32Array);
      expect(row.values[0]).toBe(r % 100);
      expect(row.values[149999]).toBe((149999 * 7 + r) % 100);
      expect(row.values.reduce((a, b) => a + b, 0)).toBe(Number((await query(`SELECT list_sum("values") AS s FROM '${file}' WHERE id = 'r${r}'`))[0]!.s));
    }
  });

  it("names the row of a null inside a list and of a value past 32 bits", async () => {
    const nulls = join(dir, "nulls.parquet");
    await connection.run(`COPY (SELECT * FROM (VALUES ('a', [1, 2]::BIGINT[]), ('b', [1, NULL, 3]::BIGINT[])) t(id, "values")) TO '${nulls}' (FORMAT parquet)`);
    await expect(readTable(nulls, stoksTable)).rejects.toThrow(/nulls\.parquet: column "values" row 1: expected list<INT32\|INT64>, got element 1 = null/);
    const wide = join(dir, "wide.parquet");
    await connection.run(`COPY (SELECT 'a' AS id, [5000000000]::BIGINT[] AS "values") TO '${wide}' (FORMAT parquet)`);
    await expect(readTable(wide, stoksTable)).rejects.toThrow(/wide\.parquet: column "values" row 0: .*5000000000/);
  });
});

describe("parquet-io writes, DuckDB reads", () => {
  it("reads the alignment struct, token lists and binary audio back", async () => {
    const file = join(dir, "chunked.parquet");
    const alignment = syntheticAlignment(0, 3);
    await writeTable(file, chunkedTable, [
      { id: "a_at_0", audio: Uint8Array.of(1, 2, 3), alignment, artist: "x" },
      { id: "b_at_30", audio: new Uint8Array(0), alignment: null, artist: null },
    ]);
    const rows = await query(`SELECT id, octet_length(audio) AS n, alignment, artist,
        typeof(alignment) AS t FROM '${file}' ORDER BY id`);
    expect(rows[0]).toMatchObject({ id: "a_at_0", n: "3", artist: "x" });
    expect(rows[0]!.t).toBe(
      "STRUCT(starts DOUBLE[], ends DOUBLE[], scores DOUBLE[], tokens BIGINT[], words VARCHAR[], lines VARCHAR[], " +
        "tokens_per_word BIGINT[], words_per_line BIGINT[], inlier_ratio DOUBLE, lrclib_offset DOUBLE)",
    );
    const struct = rows[0]!.alignment as Record<string, unknown>;
    expect(struct.starts).toEqual(Array.from(alignment.starts));
    expect(struct.words).toEqual(["w0", "w1", "w2"]);
    expect(struct.tokens_per_word).toEqual(["2", "2", "2"]);
    expect(struct.inlier_ratio).toBe(0.9);
    expect(struct.lrclib_offset).toBeNull();
    expect(rows[1]).toMatchObject({ id: "b_at_30", n: "0", alignment: null, artist: null });

    const tokensFile = join(dir, "stoks.parquet");
    await writeTable(tokensFile, stoksTable, [{ id: "a", values: Int32Array.from({ length: 750 }, (_, i) => i) }]);
    const [tokens] = await query(`SELECT len("values") AS n, list_sum("values") AS s, typeof("values") AS t FROM '${tokensFile}'`);
    expect(tokens).toEqual({ n: "750", s: String((749 * 750) / 2), t: "BIGINT[]" });

    const mixedFile = join(dir, "mixed.parquet");
    await writeTable(mixedFile, stoksTable, [{ id: "e", values: new Int32Array(0) }, { id: "f", values: Int32Array.of(1, 2) }, { id: "g", values: new Int32Array(0) }]);
    expect(await query(`SELECT id, len("values") AS n FROM '${mixedFile}' ORDER BY id`)).toEqual([
      { id: "e", n: "0" },
      { id: "f", n: "2" },
      { id: "g", n: "0" },
    ]);

    const alignmentFile = join(dir, "alignment.parquet");
    await writeTable(alignmentFile, alignmentTable, [{ id: "a", alignment }]);
    const [count] = await query(`SELECT count(*) AS c, sum(len(alignment.starts)) AS s FROM '${alignmentFile}'`);
    expect(count).toEqual({ c: "1", s: "6" });
  });
});
