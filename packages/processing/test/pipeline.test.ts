import { mkdtempSync, rmSync, statSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ArtistEmbedder } from "@autosing/artist-embedder";
import { decodeAudio, firstChannel } from "@autosing/audio-codec";
import {
  alignmentTable,
  alignmentWordSpans,
  artistEmbsTable,
  atoksTable,
  DatasetFolderError,
  chunkedTable,
  constructDataset,
  indexTable,
  mainTable,
  readTable,
  stemTable,
  stepPath,
  stoksTable,
  writeTable,
} from "@autosing/parquet-io";
import { truthTable } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  AllRowsFailedError,
  MissingInputError,
  ModelRequiredError,
  type RowFailure,
  align,
  artistEmbs,
  atoks,
  createTruthSeparator,
  missingPartitions,
  parseChunkId,
  srcSep,
  stoks,
  vadExtract,
} from "../src/index.js";
import { type Fixtures, makeFixtures, makeRandomEmbedder } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "autosing-processing-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

// 10 s songs hold two 4 s windows after second 0 (upstream never starts a chunk at 0).
const CHUNK = 4;
// 4 s at 32 kHz truncated to whole 12288-sample blocks: 10 blocks × 32 frames.
const CHUNK_FRAMES = 320;

let fx: Fixtures;
let embedder: ArtistEmbedder;
const truth = new Map<string, { words: string[]; starts: Float32Array }>();

beforeAll(async () => {
  fx = await makeFixtures(root, { songs: 2, seconds: 10 });
  embedder = await makeRandomEmbedder(root, 104);
  for (const row of await readTable(stepPath(fx.dataset, 0, "truth"), truthTable, { columns: ["id", "words", "word_starts"] })) {
    truth.set(row.id, { words: JSON.parse(row.words) as string[], starts: row.word_starts });
  }
});
afterAll(async () => {
  await embedder?.release();
});

describe("the processing steps on a song-corpus partition", () => {
  it("align: one LRC-guided alignment per song of the mix, with the song's words and lines", async () => {
    const result = await align(fx.dataset, 0);
    expect(result.skipped).toBe(false);
    expect(result.failures).toEqual([]);
    expect(result.rowsOut).toBe(fx.songs);
    const rows = await readTable(stepPath(fx.dataset, 0, "alignment"), alignmentTable);
    expect(rows.map((r) => r.id)).toEqual([...truth.keys()]);
    for (const row of rows) {
      const expected = truth.get(row.id)!;
      expect(row.alignment).not.toBeNull();
      expect([...row.alignment!.words].map((w) => w.toLowerCase())).toEqual(expected.words.map((w) => w.toLowerCase()));
      // LRC-guided (the corpus has lrc_lyrics): the record carries upstream's inlier ratio and offset.
      expect(row.alignment!.inlier_ratio).not.toBeNull();
      expect(row.alignment!.lrclib_offset).not.toBeNull();
      const { starts } = alignmentWordSpans(row.alignment!);
      for (let i = 1; i < starts.length; i++) expect(starts[i]).toBeGreaterThanOrEqual(starts[i - 1]!);
      expect(starts.at(-1)).toBeLessThan(10);
    }
  });

  it("align: on a vocal track the word onsets are near the truth (raw lyrics when there is no LRC)", async () => {
    // The DTW default drifts on a full mix (see README); on vocals it is accurate. A dataset whose
    // index audio is the true vocal stem checks that the step's times are absolute song times.
    const dataset = join(root, "vocals-only");
    await mkdir(join(dataset, "0"), { recursive: true });
    const index = await readTable(stepPath(fx.dataset, 0, "index"), indexTable);
    const stems = await readTable(stepPath(fx.dataset, 0, "truth"), truthTable, { columns: ["id", "vocals"] });
    await writeTable(
      stepPath(dataset, 0, "index"),
      indexTable,
      index.map((row, i) => ({ id: row.id, audio: stems[i]!.vocals, lrc_lyrics: i === 0 ? row.lrc_lyrics ?? null : null, raw_lyrics: row.raw_lyrics ?? null })),
    );
    const result = await align(dataset, 0);
    expect(result.failures).toEqual([]);
    const rows = await readTable(stepPath(dataset, 0, "alignment"), alignmentTable);
    expect(rows[0]!.alignment!.inlier_ratio).not.toBeNull(); // LRC-guided
    expect(rows[1]!.alignment!.inlier_ratio).toBeNull(); // raw lyrics: the global alignment
    const errors: number[] = [];
    for (const row of rows) {
      const expected = truth.get(row.id)!;
      alignmentWordSpans(row.alignment!).starts.forEach((start, i) => errors.push(Math.abs(start - (expected.starts[i] ?? Number.NaN))));
    }
    errors.sort((a, b) => a - b);
    expect(errors[Math.floor(errors.length / 2)]).toBeLessThan(0.25);
  });

  it("vad_extract: <song>_at_<second> chunks of exactly chunkLength s with the alignment sliced to them", async () => {
    const result = await vadExtract(fx.dataset, 0, { chunkLength: CHUNK, minOccupancy: 0.5 });
    expect(result.failures).toEqual([]);
    const rows = await readTable(stepPath(fx.dataset, 0, "chunked"), chunkedTable);
    expect(rows.length).toBeGreaterThanOrEqual(fx.songs);
    expect(rows.length).toBe(result.rowsOut);
    for (const row of rows) {
      const parsed = parseChunkId(row.id);
      expect(parsed).toBeDefined();
      expect(truth.has(parsed!.songId)).toBe(true);
      expect(parsed!.offsetSeconds).toBeGreaterThan(0);
      expect(parsed!.offsetSeconds + CHUNK).toBeLessThanOrEqual(10);
      const audio = await decodeAudio(row.audio);
      expect(audio.sampleRate).toBe(32000);
      expect(audio.channels[0]!.length).toBe(CHUNK * 32000);
      expect(row.artist).toMatch(/\S/);
      // Sliced alignment: times shifted into the chunk, words are true words sung inside it.
      const alignment = row.alignment!;
      for (let i = 0; i < alignment.starts.length; i++) {
        expect(alignment.starts[i]).toBeGreaterThan(0);
        expect(alignment.ends[i]).toBeLessThan(CHUNK);
      }
      const songWords = new Set(truth.get(parsed!.songId)!.words.map((w) => w.toLowerCase()));
      for (const word of alignment.words) if (word !== "") expect(songWords.has(word.toLowerCase())).toBe(true);
    }
  });

  it("src_sep (truth oracle): vocals + no_vocals give back each chunk's mix", async () => {
    const separator = await createTruthSeparator(fx.dataset, 0);
    const result = await srcSep(fx.dataset, 0, { separator });
    await separator.dispose();
    expect(result.failures).toEqual([]);
    const chunks = await readTable(stepPath(fx.dataset, 0, "chunked"), chunkedTable, { columns: ["id", "audio"] });
    const vocals = await readTable(stepPath(fx.dataset, 0, "vocals"), stemTable("vocals"));
    const instrumental = await readTable(stepPath(fx.dataset, 0, "no_vocals"), stemTable("no_vocals"));
    expect(vocals.map((r) => r.id)).toEqual(chunks.map((r) => r.id));
    expect(instrumental.map((r) => r.id)).toEqual(chunks.map((r) => r.id));
    for (let i = 0; i < chunks.length; i++) {
      const mix = firstChannel(await decodeAudio(chunks[i]!.audio));
      const v = firstChannel(await decodeAudio(vocals[i]!.audio));
      const a = firstChannel(await decodeAudio(instrumental[i]!.audio));
      expect(v.length).toBe(mix.length);
      let worst = 0;
      let vocalEnergy = 0;
      for (let t = 0; t < mix.length; t++) {
        worst = Math.max(worst, Math.abs(v[t]! + a[t]! - mix[t]!));
        vocalEnergy += v[t]! * v[t]!;
      }
      // Stems and mix are on the 16-bit grid; the sum may differ by a rounding step.
      expect(worst).toBeLessThan(2 / 32768);
      expect(vocalEnergy).toBeGreaterThan(0);
    }
  });

  it("atoks: [4, T] codec tokens of vocals and no_vocals, SNAC's dense layout", async () => {
    for (const source of ["vocals", "no_vocals"] as const) {
      const result = await atoks(fx.dataset, 0, { codec: fx.codec, source });
      expect(result.failures).toEqual([]);
      const rows = await readTable(stepPath(fx.dataset, 0, `atoks_${source}_default`), atoksTable(source, "default"));
      expect(rows.length).toBe(result.rowsIn);
      for (const row of rows) {
        expect(row.values.length).toBe(4 * CHUNK_FRAMES);
        // Level i has a code every 2^(3-i) frames and zeros between (level 0: every 8th).
        for (let t = 0; t < CHUNK_FRAMES; t++) if (t % 8 !== 0) expect(row.values[t]).toBe(0);
        expect(Math.max(...row.values)).toBeLessThan(4096);
      }
    }
  });

  it("stoks: 750 semantic tokens (2 × 375) of the vocals per chunk", async () => {
    const result = await stoks(fx.dataset, 0, { tokenizer: fx.tokenizer });
    expect(result.failures).toEqual([]);
    const rows = await readTable(stepPath(fx.dataset, 0, "stoks"), stoksTable);
    expect(rows.length).toBe(result.rowsIn);
    for (const row of rows) {
      expect(row.values.length).toBe(750);
      expect(Math.min(...row.values)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...row.values)).toBeLessThan(32);
      // A 4 s chunk zero-padded to 30 s: the sung part's tokens vary.
      expect(new Set(row.values.subarray(0, 100)).size).toBeGreaterThan(1);
    }
  });

  it("artist_embs: fails clearly without an embedder, then 3 × 256 floats per chunk", async () => {
    const error = await artistEmbs(fx.dataset, 0, { embedder: undefined, codec: "default" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ModelRequiredError);
    expect((error as Error).message).toMatch(/autosing train --task_name artist_emb/);
    expect((error as Error).message).toMatch(/autosing export/);
    const result = await artistEmbs(fx.dataset, 0, { embedder, codec: "default" });
    expect(result.failures).toEqual([]);
    const rows = await readTable(stepPath(fx.dataset, 0, "artist_embs"), artistEmbsTable);
    expect(rows.length).toBe(result.rowsIn);
    for (const row of rows) {
      expect(row.embs.length).toBe(3 * 256);
      expect(row.embs.every(Number.isFinite)).toBe(true);
      // Three windows of different audio embed differently.
      expect(row.embs.slice(0, 256)).not.toEqual(row.embs.slice(256, 512));
    }
  });

  it("construct-dataset over the produced partition yields rows", async () => {
    const out = join(root, "constructed");
    const result = await constructDataset({ dataDir: fx.dataset, numInPartitions: 1, outputDir: out, numOutPartitions: 1, codec: "default" });
    const chunks = await readTable(stepPath(fx.dataset, 0, "chunked"), chunkedTable, { columns: ["id"] });
    expect(result.failures).toEqual([]);
    expect(result.rowsJoined).toBe(chunks.length);
    expect(result.rowsWritten).toBeGreaterThan(0);
    const main = await readTable(stepPath(out, 1, "main"), mainTable());
    for (const row of main) {
      expect(row.atoks.length).toBe(4 * CHUNK_FRAMES);
      expect(row.mtoks.length).toBe(4 * CHUNK_FRAMES);
      expect(row.stoks.length).toBe(750);
      expect(row.embs.length).toBe(768);
    }
  });

  it("is resumable: a second run skips, force rewrites", async () => {
    const file = stepPath(fx.dataset, 0, "stoks");
    const before = statSync(file).mtimeMs;
    const again = await stoks(fx.dataset, 0, { tokenizer: fx.tokenizer });
    expect(again.skipped).toBe(true);
    expect(again.rowsIn).toBe(0);
    expect(statSync(file).mtimeMs).toBe(before);
    const before2 = (await readTable(file, stoksTable)).map((r) => [r.id, Array.from(r.values)]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const forced = await stoks(fx.dataset, 0, { tokenizer: fx.tokenizer, force: true });
    expect(forced.skipped).toBe(false);
    expect(statSync(file).mtimeMs).toBeGreaterThan(before);
    // Deterministic: the rewrite holds the same rows.
    expect((await readTable(file, stoksTable)).map((r) => [r.id, Array.from(r.values)])).toEqual(before2);
  });

  it("missing lists the partitions that lack a step", async () => {
    expect(await missingPartitions(fx.dataset, "stoks")).toEqual([]);
    expect(await missingPartitions(fx.dataset, "src_sep")).toEqual([]);
    expect(await missingPartitions(fx.dataset, "atoks", { source: "vocals", codec: "snac_32khz" })).toEqual([0]);
    expect(await missingPartitions(fx.dataset, "stoks", { total: 3 })).toEqual([1, 2]);
  });
});

describe("bad input", () => {
  it("a row with corrupt audio is skipped and named (file, row, id); the others are written", async () => {
    const rows = await readTable(stepPath(fx.dataset, 0, "index"), indexTable);
    const corrupt = { ...rows[1]!, audio: rows[1]!.audio.slice(0, 40).map((b, i) => (i < 4 ? 0x42 : b)) };
    const dataset = join(root, "bad");
    const file = stepPath(dataset, 0, "index");
    await mkdir(join(dataset, "0"), { recursive: true });
    await writeTable(file, indexTable, [rows[0]!, corrupt]);
    const logged: RowFailure[] = [];
    const result = await vadExtract(dataset, 0, { chunkLength: CHUNK, minOccupancy: 0.5, onRowFailure: (f) => logged.push(f) });
    expect(result.failures).toHaveLength(1);
    expect(logged).toEqual(result.failures);
    expect(result.failures[0]).toMatchObject({ file, row: 1, id: corrupt.id });
    expect(result.failures[0]!.message).toMatch(/\S/);
    const chunks = await readTable(stepPath(dataset, 0, "chunked"), chunkedTable, { columns: ["id"] });
    expect(chunks.length).toBeGreaterThan(0);
    for (const chunk of chunks) expect(parseChunkId(chunk.id)!.songId).toBe(rows[0]!.id);

    // Every row bad: nothing is written, so the partition still counts as missing.
    await mkdir(join(dataset, "1"), { recursive: true });
    await writeTable(stepPath(dataset, 1, "index"), indexTable, [corrupt]);
    await expect(vadExtract(dataset, 1, { chunkLength: CHUNK })).rejects.toBeInstanceOf(AllRowsFailedError);
    expect(await missingPartitions(dataset, "vad_extract")).toEqual([1]);
  });

  it("a step whose input is missing says which step to run first", async () => {
    const error = await stoks(join(root, "bad"), 0, { tokenizer: fx.tokenizer }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingInputError);
    expect((error as Error).message).toMatch(/autosing process src_sep/);
    // A dataset folder that is not there is the path's problem, not a step left to run.
    const nowhere = join(root, "nowhere");
    const absent = await align(nowhere, 0).catch((e: unknown) => e);
    expect(DatasetFolderError.isInstance(absent) && absent.message).toBe(`${nowhere}: the dataset folder does not exist; give the folder that holds <n>/index.parquet`);
  });
});
