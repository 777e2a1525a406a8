import { mkdir, readdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  type AlignmentRecord,
  HALF_ACOUSTIC_FRAMES,
  alignmentCover,
  atoksTable,
  ConstructOptionError,
  DatasetFolderError,
  EarlierRunError,
  ParquetFileError,
  OutputFolderError,
  TooFewRowsError,
  constructDataset,
  defineColumn,
  defineTable,
  listPartitions,
  mainTable,
  readTable,
  stepPath,
  writeTable,
} from "../src/index.js";
import { syntheticAlignment, syntheticAtoks, tempDir, writeConstructInput as writeInput } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function readOutput(out: string, name = "main"): Promise<string[][]> {
  const parts = await listPartitions(out);
  const ids: string[][] = [];
  for (const p of parts) ids.push((await readTable(stepPath(out, p, name), mainTable(name), { columns: ["id"] })).map((r) => r.id));
  return ids;
}

describe("construct-dataset without split", () => {
  it("joins, shuffles and writes numOut + 1 equal partitions, dropping the remainder", async () => {
    const data = join(dir, "data");
    const ids0 = Array.from({ length: 20 }, (_, i) => `p0song${i}_at_0`);
    const ids1 = Array.from({ length: 13 }, (_, i) => `p1song${i}_at_30`);
    await writeInput(data, 0, ids0, (i) => (i === 3 ? null : syntheticAlignment(0, 30)));
    await writeInput(data, 1, ids1, () => syntheticAlignment(0, 30));
    const out = join(dir, "out");
    const result = await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: out, numOutPartitions: 4, seed: 7, buckets: 3 });
    expect(result).toMatchObject({ rowsJoined: 33, rowsShuffled: 33, rowsPerPartition: 6, rowsWritten: 30, rowsDropped: 3, partitionsWritten: 5, failures: [] });
    const written = await readOutput(out);
    expect(written.map((p) => p.length)).toEqual([6, 6, 6, 6, 6]);
    const all = written.flat();
    expect(new Set(all).size).toBe(30);
    for (const id of all) expect([...ids0, ...ids1]).toContain(id);
    // shuffled: not the input order
    expect(all.slice(0, 10)).not.toEqual(ids0.slice(0, 10));
    // no scratch or temp files remain
    expect((await readdir(out)).sort()).toEqual(["0", "1", "2", "3", "4"]);

    const [row] = await readTable(stepPath(out, 0, "main"), mainTable());
    expect(row!.atoks.length).toBe(4 * 2496);
    expect(row!.mtoks[0]).toBe(1);
    expect(row!.stoks.length).toBe(750);
    expect(row!.embs.length).toBe(768);
  });

  it("gives the same output for the same seed and another order for another seed", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, Array.from({ length: 24 }, (_, i) => `s${i}`), () => syntheticAlignment(0, 30));
    const run = async (seed: number, name: string): Promise<string[][]> => {
      await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: join(dir, name), numOutPartitions: 3, seed, buckets: 4 });
      return readOutput(join(dir, name));
    };
    const a = await run(1, "a");
    expect(await run(1, "b")).toEqual(a);
    expect(await run(2, "c")).not.toEqual(a);
  });
});

describe("construct-dataset with split", () => {
  it("turns 30 s rows into 15 s halves and keeps halves whose words cover more than 60 %", async () => {
    const data = join(dir, "data");
    // full: words all over 30 s -> both halves kept; early: words in the first 12 s only (cover 9.6 s) -> left only;
    // sparse: words in 0..9 s (cover 7.2 s = 48 %) -> neither; nul: no alignment -> dropped
    const alignments: Record<string, AlignmentRecord | null> = {
      full: syntheticAlignment(0, 30),
      early: syntheticAlignment(0, 12),
      sparse: syntheticAlignment(0, 9),
      nul: null,
    };
    await writeInput(data, 0, Object.keys(alignments), (i) => Object.values(alignments)[i] ?? null);
    const out = join(dir, "out");
    const result = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 0, split: true, name: "half" });
    expect(result).toMatchObject({ rowsJoined: 4, rowsShuffled: 3, rowsPerPartition: 3, partitionsWritten: 1 });
    const rows = await readTable(stepPath(out, 0, "half"), mainTable("half"));
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(["early_h0", "full_h0", "full_h1"]);

    const right = byId.full_h1!;
    expect(right.atoks.length).toBe(4 * HALF_ACOUSTIC_FRAMES);
    expect(HALF_ACOUSTIC_FRAMES).toBe(1248);
    // level 2, first frame of the right half: 2 * 10000 + 1248
    expect(right.atoks[2 * 1248]).toBe(20000 + 1248);
    expect(right.atoks[4 * 1248 - 1]).toBe(30000 + 2495);
    expect(right.mtoks[0]).toBe(1 + 1248);
    expect(Array.from(right.stoks.subarray(0, 2))).toEqual([375, 376]);
    expect(right.stoks.length).toBe(375);
    // embedding row 2 of 3 for the right half, row 0 for the left (upstream's reshape(3, -1)[2 * right])
    expect(right.embs.length).toBe(256);
    expect(right.embs[0]).toBe(512);
    expect(byId.full_h0!.embs[0]).toBe(0);
    // the stored alignment is the sliced one, shifted to the half
    expect(right.alignment!.words[0]).toBe("w15");
    expect(right.alignment!.starts[0]).toBeCloseTo(0.1, 12);
    expect(alignmentCover(right.alignment!) / 15).toBeGreaterThan(0.6);
    expect(byId.early_h0!.alignment!.words).toHaveLength(12);
  });
});

describe("construct-dataset with bad input", () => {
  it("reports the partition, file and column that failed and still writes the others", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, ["a", "b", "c"], () => syntheticAlignment(0, 30));
    await writeInput(data, 1, ["d", "e"], () => syntheticAlignment(0, 30));
    // partition 1's stoks has a string column where token lists belong
    const wrong = defineTable<{ id: string; values: string }>("stoks", [defineColumn("id", "string"), defineColumn("values", "string")]);
    await writeTable(stepPath(data, 1, "stoks"), wrong, [{ id: "d", values: "x" }]);
    const out = join(dir, "out");
    const result = await constructDataset({ dataDir: data, numInPartitions: 3, outputDir: out, numOutPartitions: 0 });
    expect(result.failures.map((f) => f.partition)).toEqual([1, 2]);
    expect(result.failures[0]!.message).toMatch(/1\/stoks\.parquet: column "values": expected list/);
    expect(result.failures[1]!.message).toMatch(/2\/atoks_no_vocals_snac_32khz\.parquet: cannot open/);
    expect(result.rowsShuffled).toBe(3);
    expect((await readOutput(out)).flat().sort()).toEqual(["a", "b", "c"]);
  });

  it("names a data folder that does not exist, and a broken table when it leaves no rows, before writing anything", async () => {
    const out = join(dir, "out");
    const gone = await constructDataset({ dataDir: join(dir, "gone"), numInPartitions: 1, outputDir: out, numOutPartitions: 0 }).catch((e: unknown) => e);
    expect(DatasetFolderError.isInstance(gone) && gone.message).toMatch(/gone: the dataset folder does not exist/);
    const data = join(dir, "data");
    await writeInput(data, 0, ["a"], () => syntheticAlignment(0, 30));
    await writeFile(stepPath(data, 0, "chunked"), "not parquet");
    const broken = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 0 }).catch((e: unknown) => e);
    expect(ParquetFileError.isInstance(broken) && broken.message).toMatch(/0\/chunked\.parquet: not a readable Parquet file/);
    // a table that is merely missing is a step not run yet: no rows, said as such
    await rm(stepPath(data, 0, "chunked"));
    const none = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 0 }).catch((e: unknown) => e);
    expect(TooFewRowsError.isInstance(none) && none.message).toMatch(/the input has no rows to write/);
    expect(await readdir(dir)).toEqual(["data"]);
  });

  it("rolls back the rows a partition already scattered when it fails mid-way", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, ["a", "b"], () => syntheticAlignment(0, 30));
    await writeInput(data, 1, ["c", "d", "e"], () => syntheticAlignment(0, 30));
    // row "e" of partition 1 has acoustic tokens that are not 4 × T: split fails after c and d were scattered
    await writeTable(stepPath(data, 1, "atoks_vocals_snac_32khz"), atoksTable("vocals"), [
      { id: "c", values: syntheticAtoks() },
      { id: "d", values: syntheticAtoks() },
      { id: "e", values: new Int32Array(4 * 2496 + 1) },
    ]);
    const out = join(dir, "out");
    // a 1-byte scatter buffer flushes every row to the scratch files, so the rollback must truncate them
    const result = await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: out, numOutPartitions: 0, split: true, scatterBufferBytes: 1, buckets: 2 });
    expect(result.failures).toHaveLength(1);
    expect(result.failures[0]!.message).toMatch(/1\/atoks_vocals_snac_32khz\.parquet: column "values": row id "e": atoks has 9985 values, expected 4 × T/);
    expect(result.rowsShuffled).toBe(4);
    expect((await readOutput(out)).flat().sort()).toEqual(["a_h0", "a_h1", "b_h0", "b_h1"]);
    expect((await readdir(out)).sort()).toEqual(["0"]);
  });
});

describe("construct-dataset refuses what it cannot do well", () => {
  it("refuses more output partitions than rows before writing anything, naming a count that works", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, ["a", "b", "c", "d", "e", "f"], () => syntheticAlignment(0, 30));
    const out = join(dir, "out");
    // the footer bound (6 rows) already cannot fill 513 partitions: refused before the scatter
    const error = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out }).catch((e: unknown) => e);
    expect(TooFewRowsError.isInstance(error) && error).toMatchObject({ rows: 6, numOutPartitions: 512, exact: false, maxNumOutPartitions: 5 });
    expect((error as Error).message).toMatch(/513 output partitions .* need a row each, but the input has at most 6 rows .*: use numOutPartitions 5 or less/);
    expect((error as TooFewRowsError).describe("--num-out-partitions")).toMatch(/^--num-out-partitions 512: .*use --num-out-partitions 5 or less$/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    // with split the bound doubles; the exact count after the cover filter (only "early"-like halves kept) decides
    await writeInput(data, 0, ["a", "b", "c"], (i) => (i === 0 ? syntheticAlignment(0, 30) : syntheticAlignment(0, 12)));
    const split = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 5, split: true }).catch((e: unknown) => e);
    expect(TooFewRowsError.isInstance(split) && split).toMatchObject({ rows: 4, exact: true, maxNumOutPartitions: 3 });
    expect((split as Error).message).toMatch(/3 joined rows, 4 halves after split and cover filter\): use numOutPartitions 3 or less/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
    const ok = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 3, split: true });
    expect(ok).toMatchObject({ rowsShuffled: 4, rowsPerPartition: 1, rowsDropped: 0, partitionsWritten: 4 });
  });

  it("refuses zero input partitions, a name that is a path and an output path that is a file", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, ["a", "b"], () => syntheticAlignment(0, 30));
    const base = { dataDir: data, numInPartitions: 1, outputDir: join(dir, "out"), numOutPartitions: 0 };
    for (const name of ["../../escape", "a/b", "..", "", "x.y"]) {
      const error = await constructDataset({ ...base, name }).catch((e: unknown) => e);
      expect(ConstructOptionError.isInstance(error) && error.option).toBe("name");
    }
    const zero = await constructDataset({ ...base, numInPartitions: 0 }).catch((e: unknown) => e);
    expect((zero as Error).message).toMatch(/option numInPartitions = 0: must be an integer >= 1/);
    await expect(readdir(join(dir, "out"))).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).sort()).toEqual(["data"]);
    const file = join(dir, "file");
    await writeFile(file, "x");
    const error = await constructDataset({ ...base, outputDir: file }).catch((e: unknown) => e);
    expect(OutputFolderError.isInstance(error) && error.message).toMatch(/file: exists and is not a folder/);
  });

  it("refuses an earlier run without force; with force removes its partitions beyond the new count only", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, Array.from({ length: 8 }, (_, i) => `s${i}`), () => syntheticAlignment(0, 30));
    const out = join(dir, "out");
    await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 5 });
    await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 3, name: "other" });
    const refused = await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 2 }).catch((e: unknown) => e);
    expect(EarlierRunError.isInstance(refused) && refused.partitions).toEqual([0, 1, 2, 3, 4, 5]);
    expect((refused as Error).message).toMatch(/out: holds 6 main\.parquet partitions of an earlier run \(0\/main\.parquet, .* and 3 more\); pass force: true/);
    expect((refused as EarlierRunError).describe("--force")).toMatch(/pass --force to replace them/);
    expect((await readOutput(out)).map((p) => p.length)).toEqual([1, 1, 1, 1, 1, 1]);

    await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 2, force: true });
    const rows = await Promise.all([0, 1, 2].map(async (p) => readTable(stepPath(out, p, "main"), mainTable(), { columns: ["id"] })));
    expect(rows.map((p) => p.length)).toEqual([2, 2, 2]);
    // partitions 4 and 5 held only main: gone; 3 keeps the other table, which is left alone
    expect((await readdir(out)).sort()).toEqual(["0", "1", "2", "3"]);
    expect(await readdir(join(out, "3"))).toEqual(["other.parquet"]);
    expect((await readOutput(out, "other")).map((p) => p.length)).toEqual([2, 2, 2, 2]);
  });

  it("treats an empty or table-free output folder as new", async () => {
    const data = join(dir, "data");
    await writeInput(data, 0, ["a", "b"], () => syntheticAlignment(0, 30));
    const out = join(dir, "out");
    await mkdir(join(out, "0"), { recursive: true });
    await writeFile(join(out, "0", "notes.txt"), "kept");
    await constructDataset({ dataDir: data, numInPartitions: 1, outputDir: out, numOutPartitions: 1 });
    expect((await readdir(join(out, "0"))).sort()).toEqual(["main.parquet", "notes.txt"]);
  });
});
