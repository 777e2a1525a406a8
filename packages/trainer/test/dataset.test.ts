import { Xoshiro128 } from "@autosing/base";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type MainRow, mainTable, stepPath, writeTable, defineTable, defineColumn } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DatasetError, PartitionedDataset, RUN_SHUFFLE_BUFFER_SAMPLES, type TrainingDataset, shuffleBuffer, trainingTable } from "../src/index.js";

let root: string;

function row(id: string, frames = 16): MainRow {
  return {
    id,
    atoks: Int32Array.from({ length: 4 * frames }, (_, i) => i % 4096),
    mtoks: Int32Array.from({ length: 4 * frames }, (_, i) => (i * 7) % 4096),
    stoks: Int32Array.from({ length: 20 }, (_, i) => i),
    embs: new Float32Array(256 * 3).fill(0.5),
    alignment: null,
  };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-trainer-data-"));
  // Partition 0 (validation) has 5 rows; 1..3 have 10 rows each in row groups of 4.
  await writeTable(stepPath(join(root, "ds"), 0, "main"), mainTable(), Array.from({ length: 5 }, (_, i) => row(`v${i}`)));
  for (const p of [1, 2, 3]) {
    await writeTable(stepPath(join(root, "ds"), p, "main"), mainTable(), Array.from({ length: 10 }, (_, i) => row(`p${p}r${i}`)), {
      rowGroupRows: 4,
    });
  }
  // An extra part in partitions 1 and 2 only (upstream's `parts`: step files concatenated per partition).
  for (const p of [1, 2]) {
    await writeTable(stepPath(join(root, "ds"), p, "extra"), mainTable(), Array.from({ length: 3 }, (_, i) => row(`x${p}r${i}`)));
  }
  // A dataset whose training partition lacks the stoks column.
  const noStoks = defineTable<{ id: string; atoks: Int32Array }>("main", [defineColumn("id", "string"), defineColumn("atoks", "int-list")]);
  await writeTable(stepPath(join(root, "bad"), 1, "main"), noStoks, [{ id: "x", atoks: new Int32Array(4) }]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

interface OpenOptions {
  split?: "train" | "val";
  batchSize?: number;
  rank?: number;
  worldSize?: number;
  seed?: number;
  path?: string;
  parts?: string[];
  partitionOffset?: number;
  numPartitions?: number;
  shuffleBufferSize?: number;
  runShuffleBufferSize?: number;
}

function open(options: OpenOptions = {}) {
  return PartitionedDataset.open({
    path: options.path ?? join(root, "ds"),
    split: options.split ?? "train",
    table: trainingTable,
    columns: ["id", "stoks"],
    batchSize: options.batchSize ?? 4,
    seed: options.seed ?? 1,
    shuffleBufferSize: options.shuffleBufferSize ?? 6,
    map: (r) => r.id,
    collate: (ids: string[]) => ids,
    ...(options.rank !== undefined ? { rank: options.rank, worldSize: options.worldSize ?? 1 } : {}),
    ...(options.parts ? { parts: options.parts } : {}),
    ...(options.partitionOffset !== undefined ? { partitionOffset: options.partitionOffset } : {}),
    ...(options.numPartitions !== undefined ? { numPartitions: options.numPartitions } : {}),
    ...(options.runShuffleBufferSize !== undefined ? { runShuffleBufferSize: options.runShuffleBufferSize } : {}),
  });
}

async function collect(dataset: TrainingDataset<string[]>, epoch: number, skip = 0): Promise<string[][]> {
  const out: string[][] = [];
  for await (const item of dataset.batches(epoch, skip)) out.push(item.batch);
  return out;
}

describe("shuffleBuffer", () => {
  it("emits every item exactly once, in a seeded order", async () => {
    async function* numbers() {
      for (let i = 0; i < 50; i++) yield i;
    }
    const a: number[] = [];
    for await (const x of shuffleBuffer(numbers(), 8, Xoshiro128.fromSeed(1))) a.push(x);
    const b: number[] = [];
    for await (const x of shuffleBuffer(numbers(), 8, Xoshiro128.fromSeed(1))) b.push(x);
    expect(a).toEqual(b);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});

describe("PartitionedDataset", () => {
  it("streams each training row once per epoch, shuffled per epoch, partition 0 held out", async () => {
    const dataset = await open();
    expect(dataset.batchesPerEpoch).toBe(7); // floor(30 / 4): the partial batch is dropped in training
    const epoch0 = await collect(dataset, 0);
    expect(epoch0).toHaveLength(7);
    const ids = epoch0.flat();
    expect(new Set(ids).size).toBe(28);
    expect(ids.every((id) => id.startsWith("p"))).toBe(true);
    expect(await collect(dataset, 0)).toEqual(epoch0);
    expect(await collect(dataset, 1)).not.toEqual(epoch0);
  });

  it("skips to a batch exactly (what resume needs)", async () => {
    const dataset = await open();
    expect(await collect(dataset, 2, 3)).toEqual((await collect(dataset, 2)).slice(3));
  });

  it("reads partition 0 in order for validation, keeping the partial batch", async () => {
    const dataset = await open({ split: "val" });
    expect(dataset.batchesPerEpoch).toBe(2);
    expect(await collect(dataset, 0)).toEqual([["v0", "v1", "v2", "v3"], ["v4"]]);
  });

  it("shards partitions over workers without overlap", async () => {
    const a = (await collect(await open({ rank: 0, worldSize: 2, batchSize: 2 }), 0)).flat();
    const b = (await collect(await open({ rank: 1, worldSize: 2, batchSize: 2 }), 0)).flat();
    expect(a.filter((id) => b.includes(id))).toEqual([]);
    // 3 partitions over 2 workers: worker 0 reads partitions 1 and 3, worker 1 partition 2.
    expect(new Set(a.map((id) => id.slice(0, 2)))).toEqual(new Set(["p1", "p3"]));
    expect(new Set(b.map((id) => id.slice(0, 2)))).toEqual(new Set(["p2"]));
  });

  it("shards rows when workers outnumber partitions", async () => {
    const a = (await collect(await open({ split: "val", rank: 0, worldSize: 2, batchSize: 1 }), 0)).flat();
    const b = (await collect(await open({ split: "val", rank: 1, worldSize: 2, batchSize: 1 }), 0)).flat();
    expect(a).toEqual(["v0", "v2"]);
    expect(b).toEqual(["v1", "v3"]);
  });

  it("fails before training on a missing dataset, a missing partition 0 or a missing column", async () => {
    await expect(open({ path: join(root, "nope") })).rejects.toThrow(/nope: does not exist/);
    await expect(open({ path: join(root, "bad"), split: "val" })).rejects.toThrow(/has no partition 0/);
    await expect(open({ path: join(root, "bad") })).rejects.toThrow(DatasetError);
    await expect(open({ path: join(root, "bad") })).rejects.toThrow(/partition 1: .*stoks/);
    await expect(open({ batchSize: 100 })).rejects.toThrow(/30 rows, fewer than one batch of 100/);
  });

  it("reads every part of a partition (upstream `parts`), and refuses a part a partition lacks", async () => {
    const dataset = await open({ parts: ["main", "extra"], numPartitions: 2, batchSize: 1 });
    const ids = (await collect(dataset, 0)).flat();
    // Partitions 1 and 2: 10 main rows and 3 extra rows each.
    expect(ids).toHaveLength(26);
    expect(new Set(ids)).toEqual(new Set([1, 2].flatMap((p) => [...Array.from({ length: 10 }, (_, i) => `p${p}r${i}`), ...Array.from({ length: 3 }, (_, i) => `x${p}r${i}`)])));
    await expect(open({ parts: ["main", "extra"] })).rejects.toThrow(/partition 3 part "extra": .*extra\.parquet/);
    await expect(open({ parts: [] })).rejects.toThrow(/parts/);
  });

  it("starts training after partition_offset and reads num_partitions from there (upstream sm2a load_dataset)", async () => {
    const prefixes = async (options: OpenOptions) => new Set((await collect(await open({ batchSize: 1, ...options }), 0)).flat().map((id) => id.slice(0, 2)));
    expect(await prefixes({ partitionOffset: 1 })).toEqual(new Set(["p2", "p3"]));
    expect(await prefixes({ partitionOffset: 1, numPartitions: 1 })).toEqual(new Set(["p2"]));
    expect(await prefixes({ numPartitions: 2 })).toEqual(new Set(["p1", "p2"]));
    // Validation stays partition 0 whatever the offset.
    expect(await prefixes({ partitionOffset: 2, split: "val" })).toEqual(new Set(["v0", "v1", "v2", "v3", "v4"]));
    await expect(open({ partitionOffset: 3 })).rejects.toThrow(/has no training partitions after partition_offset 3/);
    await expect(open({ partitionOffset: -1 })).rejects.toThrow(/partition_offset/);
  });

  it("passes training samples through the run's 64k-sample buffer by default (upstream train.py --shufbuf 64)", async () => {
    expect(RUN_SHUFFLE_BUFFER_SAMPLES).toBe(65536);
    const partitionChanges = (ids: string[]) => ids.slice(1).filter((id, i) => id.slice(0, 2) !== (ids[i] as string).slice(0, 2)).length;
    // Without either buffer, an epoch reads one partition after the other: two changes of partition.
    const unbuffered = (await collect(await open({ batchSize: 1, shuffleBufferSize: 1, runShuffleBufferSize: 1 }), 0)).flat();
    expect(partitionChanges(unbuffered)).toBe(2);
    // The default run buffer holds the whole (small) epoch, so partitions interleave.
    const buffered = (await collect(await open({ batchSize: 1, shuffleBufferSize: 1 }), 0)).flat();
    expect(new Set(buffered)).toEqual(new Set(unbuffered));
    expect(partitionChanges(buffered)).toBeGreaterThan(10);
  });

  it("skips a row the mapping rejects and logs why", async () => {
    const lines: string[] = [];
    const dataset = await PartitionedDataset.open({
      path: join(root, "ds"),
      split: "val",
      table: trainingTable,
      batchSize: 2,
      seed: 0,
      map: (r) => (r.id === "v1" ? { skip: "made up reason" } : r.id),
      collate: (ids: string[]) => ids,
      log: (l) => lines.push(l),
    });
    expect(await collect(dataset, 0)).toEqual([["v0", "v2"], ["v3", "v4"]]);
    expect(lines).toEqual([expect.stringMatching(/skipping .*0\/main\.parquet row 1: made up reason/)]);
  });
});
