import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import { indexTable, readTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CorpusOptionError } from "./errors.js";
import { makeCorpus, partitionRange, truthTable, writeTestCorpus } from "./index.js";

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "song-corpus-"));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const partition of await readdir(dir)) {
    for (const file of await readdir(join(dir, partition))) out.set(`${partition}/${file}`, await readFile(join(dir, partition, file)));
  }
  return out;
}

describe("makeCorpus", () => {
  it("splits songs into contiguous partitions", () => {
    expect([0, 1, 2].map((p) => partitionRange(7, 3, p))).toEqual([
      [0, 2],
      [2, 4],
      [4, 7],
    ]);
  });

  it("writes index.parquet and truth.parquet that parquet-io reads, byte-identical per seed", async () => {
    const a = join(root, "a");
    const b = join(root, "b");
    const progress: number[] = [];
    const options = { songs: 3, partitions: 2, seed: 11, seconds: 9.5, format: "wav" as const };
    expect(await makeCorpus(a, { ...options, onProgress: (done) => progress.push(done) })).toBe(3);
    expect(progress).toEqual([1, 2, 3]);
    await makeCorpus(b, options);
    const filesA = await filesOf(a);
    const filesB = await filesOf(b);
    expect([...filesA.keys()].sort()).toEqual(["0/index.parquet", "0/truth.parquet", "1/index.parquet", "1/truth.parquet"]);
    for (const [name, bytes] of filesA) expect(bytes.equals(filesB.get(name)!), name).toBe(true);

    const index = await readTable(join(a, "1", "index.parquet"), indexTable);
    const truth = await readTable(join(a, "1", "truth.parquet"), truthTable);
    expect(index.map((r) => r.id)).toEqual(["synth-11-00001", "synth-11-00002"]);
    expect(truth.map((r) => r.id)).toEqual(index.map((r) => r.id));
    const row = index[0]!;
    const song = truth[0]!;
    expect(row.lrc_lyrics).toMatch(/^\[\d\d:\d\d\.\d\d\]\S/);
    expect(row.raw_lyrics!.split("\n").length).toBeGreaterThanOrEqual(2);
    expect(row.artist).toBe(JSON.parse(song.meta).artist);

    const mix = decodeWav(row.audio);
    const vocals = decodeWav(song.vocals);
    const accompaniment = decodeWav(song.accompaniment);
    expect(mix.sampleRate).toBe(32000);
    expect(mix.channels[0]!.length).toBe(9.5 * 32000);
    const m = mix.channels[0]!;
    const v = vocals.channels[0]!;
    const acc = accompaniment.channels[0]!;
    let worst = 0;
    for (let i = 0; i < m.length; i++) worst = Math.max(worst, Math.abs(m[i]! - v[i]! - acc[i]!));
    expect(worst).toBe(0);

    const words = JSON.parse(song.words) as string[];
    expect(words.length).toBe(song.word_starts.length);
    expect(words.join(" ").toLowerCase()).toBe(row.raw_lyrics!.replace(/\n/g, " ").toLowerCase());
    expect(JSON.parse(song.phonemes).length).toBe(song.phoneme_starts.length);
    expect(song.note_midis.length).toBe(song.note_starts.length);
  }, 300_000);

  it("writes the small test corpus", async () => {
    const dir = join(root, "test-corpus");
    expect(await writeTestCorpus(dir, { songs: 1 })).toBe(1);
    const rows = await readTable(join(dir, "0", "index.parquet"), indexTable);
    expect(rows).toHaveLength(1);
  }, 300_000);

  it("rejects bad options", async () => {
    await expect(makeCorpus(join(root, "x"), { songs: 2, partitions: 3, seed: 1 })).rejects.toBeInstanceOf(CorpusOptionError);
    await expect(makeCorpus(join(root, "x"), { songs: 0, partitions: 1, seed: 1 })).rejects.toBeInstanceOf(CorpusOptionError);
    await expect(makeCorpus(join(root, "x"), { songs: 1, partitions: 1, seed: 1, seconds: 3 })).rejects.toBeInstanceOf(CorpusOptionError);
    await expect(makeCorpus(join(root, "x"), { songs: 1, partitions: 1, seed: 1, seconds: 1e9 })).rejects.toThrow(/seconds=1000000000: songs are at most 3600 s/);
    await expect(makeCorpus(join(root, "x"), { songs: 1e9, partitions: 1, seed: 1 })).rejects.toThrow(/songs=1000000000: at most 100000 songs/);
  });
});
