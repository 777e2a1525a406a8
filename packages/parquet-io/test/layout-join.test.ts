import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import {
  artistEmbsTable,
  atoksTable,
  DatasetFolderError,
  assertDatasetFolder,
  chunkedTable,
  datasetInfo,
  firstById,
  joinById,
  listPartitions,
  missing,
  stepPath,
  stoksTable,
  writeTable,
} from "../src/index.js";
import { syntheticAlignment, tempDir } from "./helpers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const tokens = (n: number, v: number): Int32Array => Int32Array.from({ length: n }, () => v);

describe("partition layout", () => {
  it("discovers numbered partitions and lists the ones missing a step", async () => {
    for (const p of [0, 1, 2, 10]) await mkdir(join(dir, String(p)), { recursive: true });
    await mkdir(join(dir, "tmp"));
    await mkdir(join(dir, "01"));
    expect(await listPartitions(dir)).toEqual([0, 1, 2, 10]);
    await writeTable(stepPath(dir, 1, "stoks"), stoksTable, [{ id: "a", values: tokens(3, 1) }]);
    // an unfinished writer's temp file does not count
    await writeFile(join(dir, "2", ".stoks.parquet.host.123.1.tmp"), "partial");
    expect(await missing(dir, "stoks", 4)).toEqual([0, 2, 3]);
    expect(stepPath("/d", 3, "atoks_vocals_snac_32khz")).toBe("/d/3/atoks_vocals_snac_32khz.parquet");
  });

  it("summarises rows and bytes per step and which steps are complete", async () => {
    await writeTable(stepPath(dir, 0, "stoks"), stoksTable, [{ id: "a", values: tokens(3, 1) }, { id: "b", values: tokens(3, 2) }]);
    await writeTable(stepPath(dir, 1, "stoks"), stoksTable, [{ id: "c", values: tokens(3, 1) }]);
    await writeTable(stepPath(dir, 0, "artist_embs"), artistEmbsTable, [{ id: "a", embs: new Float32Array(4) }]);
    await writeFile(stepPath(dir, 1, "broken"), "not parquet");
    const info = await datasetInfo(dir);
    expect(info.partitions.map((p) => p.partition)).toEqual([0, 1]);
    const byStep = Object.fromEntries(info.steps.map((s) => [s.step, s]));
    expect(byStep.stoks).toMatchObject({ partitions: 2, rows: 3, complete: true });
    expect(byStep.artist_embs).toMatchObject({ partitions: 1, rows: 1, complete: false });
    expect(byStep.broken).toMatchObject({ partitions: 1, complete: false });
    expect(info.partitions[1]!.steps.find((s) => s.step === "broken")!.error).toMatch(/unreadable footer/);
    expect(info.bytes).toBeGreaterThan(0);
  });
});

describe("dataset folder checks", () => {
  it("checks the columns of the tables the steps write, and only the footer of others", async () => {
    await writeTable(stepPath(dir, 0, "stoks"), stoksTable, [{ id: "a", values: tokens(3, 1) }]);
    // another table's columns under a step's name, and an unknown table with any columns
    await writeTable(stepPath(dir, 0, "chunked"), stoksTable, [{ id: "a", values: tokens(3, 1) }]);
    await writeTable(stepPath(dir, 0, "truth"), stoksTable, [{ id: "a", values: tokens(3, 1) }]);
    await writeTable(stepPath(dir, 0, "atoks_vocals_mycodec"), artistEmbsTable, [{ id: "a", embs: new Float32Array(2) }]);
    const steps = Object.fromEntries((await datasetInfo(dir)).partitions[0]!.steps.map((s) => [s.step, s]));
    expect(steps.stoks).toMatchObject({ rows: 1 });
    expect(steps.truth).toMatchObject({ rows: 1 });
    expect(steps.chunked).toMatchObject({ rows: null, error: 'missing column "audio" (file has: id, values); regenerate the file with the step that writes it' });
    expect(steps.atoks_vocals_mycodec!.error).toMatch(/^missing column "values"/);
  });

  it("names a dataset folder that is missing or a file", async () => {
    await assertDatasetFolder(dir);
    const missingDir = join(dir, "nope");
    const absent = await assertDatasetFolder(missingDir).catch((e: unknown) => e);
    expect(DatasetFolderError.isInstance(absent) && absent.message).toBe(`${missingDir}: the dataset folder does not exist; give the folder that holds <n>/index.parquet`);
    const file = join(dir, "file");
    await writeFile(file, "x");
    for (const path of [file, join(file, "below")]) {
      const error = await assertDatasetFolder(path).catch((e: unknown) => e);
      expect(DatasetFolderError.isInstance(error) && error.message).toMatch(new RegExp(`^${path}: (is a file|the dataset folder does not exist)`));
    }
  });
});

describe("joins by id", () => {
  it("keeps the first row of a duplicate id", () => {
    const rows = [{ id: "a", v: 1 }, { id: "b", v: 2 }, { id: "a", v: 3 }];
    expect([...firstById(rows).values()]).toEqual([{ id: "a", v: 1 }, { id: "b", v: 2 }]);
  });

  it("inner-joins five tables of a partition, first row wins, in the first table's order", async () => {
    const p = (step: string): string => stepPath(dir, 0, step);
    await writeTable(p("atoks_vocals_snac_32khz"), atoksTable("vocals"), [
      { id: "c", values: tokens(2, 3) },
      { id: "a", values: tokens(2, 1) },
      { id: "c", values: tokens(2, 99) }, // duplicate: dropped
      { id: "b", values: tokens(2, 2) },
      { id: "z", values: tokens(2, 26) }, // absent elsewhere: dropped
    ]);
    await writeTable(p("atoks_no_vocals_snac_32khz"), atoksTable("no_vocals"), [
      { id: "a", values: tokens(2, 10) },
      { id: "b", values: tokens(2, 20) },
      { id: "c", values: tokens(2, 30) },
      { id: "a", values: tokens(2, 11) }, // duplicate: dropped
    ]);
    await writeTable(p("stoks"), stoksTable, ["a", "b", "c"].map((id, i) => ({ id, values: tokens(1, 100 + i) })));
    await writeTable(p("artist_embs"), artistEmbsTable, ["c", "b"].map((id) => ({ id, embs: new Float32Array(1) })).concat([{ id: "a", embs: Float32Array.of(0.5) }]));
    await writeTable(p("chunked"), chunkedTable, ["a", "b", "c", "d"].map((id) => ({ id, audio: new Uint8Array(1), alignment: id === "b" ? null : syntheticAlignment(0, 2) })));

    const batches = [];
    for await (const batch of joinById([
      { file: p("atoks_vocals_snac_32khz"), table: atoksTable("vocals"), columns: [{ name: "values", as: "atoks" }] },
      { file: p("atoks_no_vocals_snac_32khz"), table: atoksTable("no_vocals"), columns: [{ name: "values", as: "mtoks" }] },
      { file: p("stoks"), table: stoksTable, columns: [{ name: "values", as: "stoks" }] },
      { file: p("artist_embs"), table: artistEmbsTable, columns: [{ name: "embs" }] },
      { file: p("chunked"), table: chunkedTable, columns: [{ name: "alignment" }] },
    ])) batches.push(...batch);
    expect(batches.map((r) => r.id)).toEqual(["c", "a", "b"]);
    const c = batches[0]!;
    expect(Array.from(c.atoks as Int32Array)).toEqual([3, 3]);
    expect(Array.from(c.mtoks as Int32Array)).toEqual([30, 30]);
    expect(Array.from(c.stoks as Int32Array)).toEqual([102]);
    expect(Array.from(batches[1]!.mtoks as Int32Array)).toEqual([10, 10]);
    expect(Array.from(batches[1]!.embs as Float32Array)).toEqual([0.5]);
    expect(batches[2]!.alignment).toBeNull();
    expect(Object.keys(c).sort()).toEqual(["alignment", "atoks", "embs", "id", "mtoks", "stoks"]);
  });
});
