import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { flattenSnac } from "@autosing/audio-codec";
import { atoksTable, chunkedTable, defineColumn, defineTable, stepPath, writeTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ArtistEmbeddingDataset,
  type ArtistEmbDataOptions,
  type ArtistEmbHostBatch,
  type ArtistEmbWindowCutter,
  DatasetError,
  TrainerConfigError,
  artistEmbRowSamples,
  collateArtistEmb,
  readArtistFile,
} from "../src/index.js";

// The same cut as @autosing/artist-embedder's trainingWindows (consecutive windows, tail dropped,
// flatten_snac each); the CLI test runs the real one against the model.
const cutWindows: ArtistEmbWindowCutter = (dense, chunkSize) => {
  const t = dense.shape[1] as number;
  const out = [];
  for (let offset = 0; offset + chunkSize <= t; offset += chunkSize) {
    const window = new Int32Array(4 * chunkSize);
    for (let level = 0; level < 4; level++) window.set(dense.data.subarray(level * t + offset, level * t + offset + chunkSize), level * chunkSize);
    out.push({ offset, flattened: flattenSnac({ data: window, shape: [4, chunkSize] }) });
  }
  return out;
};

const CHUNK = 16;
const ARTISTS = { alice: 0, bob: 1, carol: 2 };
let root: string;
let dataset: string;
const logs: string[] = [];

/** Dense [4, frames] tokens whose every value encodes the row (so a window tells which row it came from). */
function tokens(rowNumber: number, frames: number): Int32Array {
  return Int32Array.from({ length: 4 * frames }, (_, k) => 1 + rowNumber * 100 + (k % frames));
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-trainer-artist-emb-"));
  dataset = join(root, "songs");
  const table = atoksTable("vocals");
  // Partition 0: 3 known rows of 2 windows (one 40 frames long: 2 windows + a dropped tail).
  // Partitions 1, 2: 4 known rows each, plus rows to skip.
  const layout: Record<number, { id: string; artist: string | null; frames: number; chunked?: boolean; values?: number }[]> = {
    0: [
      { id: "v0", artist: "alice", frames: 32 },
      { id: "v1", artist: "bob", frames: 40 },
      { id: "v2", artist: "carol", frames: 32 },
    ],
    1: [
      { id: "a0", artist: "alice", frames: 32 },
      { id: "a1", artist: "bob", frames: 32 },
      { id: "a2", artist: "dave", frames: 32 },
      { id: "a3", artist: null, frames: 32 },
      { id: "a4", artist: "carol", frames: 32 },
      { id: "a5", artist: "alice", frames: 32, values: 30 },
      { id: "a6", artist: "bob", frames: 32 },
    ],
    2: [
      { id: "b0", artist: "carol", frames: 32 },
      { id: "b1", artist: "bob", frames: 8 },
      { id: "b2", artist: "alice", frames: 32, chunked: false },
      { id: "b3", artist: "alice", frames: 32 },
      { id: "b4", artist: "bob", frames: 32 },
      { id: "b5", artist: "carol", frames: 32 },
    ],
  };
  let rowNumber = 0;
  for (const [partition, rows] of Object.entries(layout)) {
    await writeTable(
      stepPath(dataset, Number(partition), table.name),
      table,
      rows.map((r) => ({ id: r.id, values: r.values !== undefined ? new Int32Array(r.values) : tokens(rowNumber++, r.frames) })),
    );
    await writeTable(
      stepPath(dataset, Number(partition), "chunked"),
      chunkedTable,
      rows.filter((r) => r.chunked !== false).map((r) => ({ id: r.id, audio: new Uint8Array(1), alignment: null, artist: r.artist })),
    );
  }
  // A dataset whose chunked table lacks the artist column.
  const noArtist = defineTable<{ id: string; audio: Uint8Array }>("chunked", [defineColumn("id", "string"), defineColumn("audio", "binary")]);
  for (const p of [0, 1]) {
    await writeTable(stepPath(join(root, "no-artist"), p, table.name), table, [{ id: "x", values: tokens(0, 32) }]);
    await writeTable(stepPath(join(root, "no-artist"), p, "chunked"), noArtist, [{ id: "x", audio: new Uint8Array(1) }]);
  }
  await writeFile(join(root, "artists.json"), JSON.stringify(ARTISTS));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function open(split: "train" | "val", overrides: Partial<ArtistEmbDataOptions> = {}) {
  return ArtistEmbeddingDataset.open({
    path: dataset,
    split,
    artists: ARTISTS,
    chunkSize: CHUNK,
    windows: cutWindows,
    batchSize: 3,
    seed: 7,
    shuffleBufferSize: 5,
    log: (line) => logs.push(line),
    ...overrides,
  });
}

async function collect(ds: ArtistEmbeddingDataset, epoch: number, skip = 0): Promise<ArtistEmbHostBatch[]> {
  const out: ArtistEmbHostBatch[] = [];
  for await (const item of ds.batches(epoch, skip)) out.push(item.batch);
  return out;
}

/** Row number encoded in a flattened window (every value is 1 + 100·row + frame). */
function rowOf(batch: ArtistEmbHostBatch, i: number): number {
  const width = batch.atoks.length / batch.size;
  return Math.floor(((batch.atoks[i * width] as number) - 1) / 100);
}

describe("readArtistFile", () => {
  it("reads the artist file of `autosing train artists`", async () => {
    expect(await readArtistFile(join(root, "artists.json"))).toEqual(ARTISTS);
  });

  it("names a missing file and says how to make one", async () => {
    const missing = join(root, "nope.json");
    const error = await readArtistFile(missing).catch((e: unknown) => e);
    expect(TrainerConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain(missing);
    expect((error as Error).message).toContain("autosing train artists");
  });

  it("refuses ids that are not 0..n−1 once each, empty files and non-objects", async () => {
    for (const [name, content, message] of [
      ["gap.json", '{"a": 0, "b": 2}', /artist "b" has id 2; ids must be 0..1/],
      ["dup.json", '{"a": 0, "b": 0}', /artist "b" has id 0/],
      ["empty.json", "{}", /holds no artists/],
      ["list.json", "[1]", /must hold a JSON object/],
      ["bad.json", "{a", /is not valid JSON/],
    ] as const) {
      await writeFile(join(root, name), content);
      await expect(readArtistFile(join(root, name))).rejects.toThrow(message);
    }
  });
});

describe("artistEmbRowSamples (EmbeddingDataset.prepare_df + entries)", () => {
  const artistOf = new Map<string, string | null>([
    ["r", "bob"],
    ["u", "zed"],
    ["n", null],
  ]);
  const options = { artists: ARTISTS, chunkSize: CHUNK, windows: cutWindows };

  it("cuts consecutive flattened windows labelled with the artist id, dropping the tail", () => {
    const values = tokens(3, 40);
    const samples = artistEmbRowSamples({ id: "r", values }, artistOf, options);
    expect(Array.isArray(samples)).toBe(true);
    const list = samples as Exclude<typeof samples, { skip: string }>;
    expect(list.map((s) => [s.id, s.label])).toEqual([
      ["r_0", 1],
      ["r_16", 1],
    ]);
    // flatten_snac of frames 16..31: 15 rows × 2 columns; the first row holds level 0 at frames 16 and 24.
    expect(list[1]?.atoks.length).toBe(15 * (CHUNK / 8));
    expect(Array.from(list[1]?.atoks.subarray(0, 2) ?? [])).toEqual([1 + 300 + 16, 1 + 300 + 24]);
  });

  it("skips unknown artists, missing artists and bad token lengths with a reason", () => {
    const reason = (id: string, values: Int32Array) => (artistEmbRowSamples({ id, values }, artistOf, options) as { skip: string }).skip;
    expect(reason("u", tokens(0, 32))).toBe('artist "zed" is not in the artist file');
    expect(reason("n", tokens(0, 32))).toBe("chunked.parquet has no artist for it");
    expect(reason("x", tokens(0, 32))).toBe('id "x" has no row in chunked.parquet');
    expect(reason("r", new Int32Array(30))).toBe("atoks has 30 values, not a non-empty multiple of 4 (dense [4, T])");
    expect(reason("r", new Int32Array(0))).toMatch(/has 0 values/);
    expect(reason("r", tokens(0, 8))).toBe("atoks has 8 frames, fewer than one window of 16");
  });

  it("collates [B, 15, chunk/8] windows and labels", () => {
    const samples = [
      { id: "a_0", atoks: Int32Array.of(1, 2), label: 2 },
      { id: "b_0", atoks: Int32Array.of(3, 4), label: 0 },
    ];
    expect(collateArtistEmb(samples)).toEqual({ size: 2, atoks: Int32Array.of(1, 2, 3, 4), flattened: true, labels: Int32Array.of(2, 0) });
    expect(() => collateArtistEmb([samples[0] as (typeof samples)[0], { id: "c_0", atoks: Int32Array.of(1), label: 0 }])).toThrow(/window c_0 has 1 values/);
    expect(() => collateArtistEmb([])).toThrow(DatasetError);
  });
});

describe("ArtistEmbeddingDataset (EmbeddingDataset over the pipeline's partitions)", () => {
  it("joins atoks_vocals_snac_32khz with chunked's artists, skipping and logging bad rows", async () => {
    logs.length = 0;
    const train = await open("train");
    // Rows with a known artist: a0 a1 a4 a5 a6 + b0 b1 b3 b4 b5 = 10 × 2 windows (a5's and b1's bad
    // lengths are only seen when their tokens are read, as upstream's total_samples estimate).
    expect(train.windowsPerEpoch).toBe(20);
    expect(train.batchesPerEpoch).toBe(6);
    const batches = await collect(train, 0);
    // 8 usable rows × 2 windows = 16 windows → 5 full batches; the epoch ends early, which the loop handles.
    expect(batches.map((b) => b.size)).toEqual([3, 3, 3, 3, 3]);
    // Row numbers as written (a5 has no encoded tokens): v0 v1 v2 | a0 a1 a2 a3 a4 a6 | b0 b1 b2 b3 b4 b5.
    const artistOfRow = ["alice", "bob", "carol", "alice", "bob", "dave", null, "carol", "bob", "carol", "bob", "alice", "alice", "bob", "carol"];
    const seen = new Map<number, number>();
    for (const batch of batches) {
      for (let i = 0; i < batch.size; i++) {
        const row = rowOf(batch, i);
        const artist = artistOfRow[row] as keyof typeof ARTISTS;
        expect(batch.labels[i]).toBe(ARTISTS[artist]);
        seen.set(row, (seen.get(row) ?? 0) + 1);
      }
    }
    // Only rows of known artists with usable tokens, each window at most once.
    for (const [row, count] of seen) {
      expect([3, 4, 7, 8, 9, 12, 13, 14]).toContain(row);
      expect(count).toBeLessThanOrEqual(2);
    }
    const skipped = logs.filter((l) => l.startsWith("skipping"));
    expect(skipped.some((l) => l.includes("atoks_vocals_snac_32khz.parquet row 2") && l.endsWith('artist "dave" is not in the artist file'))).toBe(true);
    expect(skipped.some((l) => l.endsWith("chunked.parquet has no artist for it"))).toBe(true);
    expect(skipped.some((l) => l.endsWith("atoks has 30 values, not a non-empty multiple of 4 (dense [4, T])"))).toBe(true);
    expect(skipped.some((l) => l.endsWith("atoks has 8 frames, fewer than one window of 16"))).toBe(true);
    expect(skipped.some((l) => l.endsWith('id "b2" has no row in chunked.parquet'))).toBe(true);
    expect(skipped).toHaveLength(5);
  });

  it("is deterministic per (seed, epoch), reshuffles across epochs and resumes by skipping batches", async () => {
    const train = await open("train");
    const again = await open("train");
    const e0 = await collect(train, 0);
    expect(await collect(again, 0)).toEqual(e0);
    const e1 = await collect(train, 1);
    expect(e1.map((b) => Array.from(b.labels))).not.toEqual(e0.map((b) => Array.from(b.labels)));
    expect(await collect(train, 1, 2)).toEqual(e1.slice(2));
    const otherSeed = await collect(await open("train", { seed: 8 }), 0);
    expect(otherSeed.map((b) => Array.from(b.atoks))).not.toEqual(e0.map((b) => Array.from(b.atoks)));
  });

  it("validation reads partition 0 in order and keeps the last partial batch", async () => {
    const val = await open("val", { batchSize: 4 });
    expect(val.batchesPerEpoch).toBe(2);
    const batches = await collect(val, 0);
    expect(batches.map((b) => b.size)).toEqual([4, 2]);
    expect(batches.flatMap((b) => Array.from(b.labels))).toEqual([0, 0, 1, 1, 2, 2]);
  });

  it("fails before training on a missing dataset, a missing artist column, no known artists or a bad chunk size", async () => {
    await expect(open("train", { path: join(root, "none") })).rejects.toThrow(/dataset .*none: does not exist/);
    await expect(open("train", { path: join(root, "no-artist") })).rejects.toThrow(/partition 1 \(.*chunked.parquet\) has no "artist" column/);
    await expect(open("train", { artists: { zed: 0 } })).rejects.toThrow(/train split has 0 windows of 16 frames .* fewer than one batch of 3/);
    await expect(open("train", { chunkSize: 12 })).rejects.toThrow(TrainerConfigError);
    await expect(open("train", { numPartitions: 1, batchSize: 11 })).rejects.toThrow(/train split has 10 windows/);
  });
});
