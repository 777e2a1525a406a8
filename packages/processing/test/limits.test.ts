/** Song limits (lyrics length, song length) fail the row that is over them; strict fails the partition on any bad row. */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type IndexRow, alignmentTable, indexTable, readTable, stepPath } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { DEFAULT_SONG_LIMITS, StepOptionError, StrictRowFailuresError, align, vadExtract } from "../src/index.js";
import { oneCorpusSong, onePartitionDataset } from "./fixtures.js";

const root = mkdtempSync(join(tmpdir(), "autosing-limits-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let good: IndexRow;
beforeAll(async () => {
  good = await oneCorpusSong(root);
});

function partition(name: string, rows: IndexRow[]): Promise<string> {
  return onePartitionDataset(root, name, indexTable, rows);
}

describe("song limits", () => {
  it("defaults to 20 000 characters of lyrics and 20 minutes of audio", () => {
    expect(DEFAULT_SONG_LIMITS).toEqual({ maxLyricsChars: 20_000, maxSongSeconds: 1200 });
  });

  it("align fails a row whose lyrics are over maxLyricsChars, naming the flag, and keeps the others", async () => {
    const long = "la ".repeat(40_000);
    const dataset = await partition("long-lyrics", [{ ...good, id: "long", lrc_lyrics: null, raw_lyrics: long }, good]);
    const started = performance.now();
    const result = await align(dataset, 0);
    expect(result.failures.map((f) => [f.row, f.id, f.message])).toEqual([
      [
        0,
        "long",
        "RowLimitError: the lyrics are 120000 characters long, over the limit of 20000 characters (option maxLyricsChars; raise it with --max-lyrics-chars, or split the song)",
      ],
    ]);
    expect(result.rowsOut).toBe(1);
    // The check comes before any audio work: the long row costs nothing like the minutes it used to.
    expect(performance.now() - started).toBeLessThan(60_000);
  });

  it("counts characters, not UTF-16 units, and takes a lower limit", async () => {
    const dataset = await partition("emoji-count", [{ ...good, id: "emoji", lrc_lyrics: null, raw_lyrics: "🎵".repeat(30) }]);
    // 30 code points (60 UTF-16 units) are under 40: the row fails for its words, not the limit.
    await expect(align(dataset, 0, { maxLyricsChars: 40 })).rejects.toThrow(/NoPronounceableWordsError/);
    await expect(align(dataset, 0, { maxLyricsChars: 29 })).rejects.toThrow(/RowLimitError: the lyrics are 30 characters long, over the limit of 29 characters/);
  });

  it("align and vad_extract fail a song longer than maxSongSeconds", async () => {
    const dataset = await partition("long-song", [good]);
    await expect(align(dataset, 0, { maxSongSeconds: 5 })).rejects.toThrow(/the audio is 9\.0 s long, over the limit of 5 s \(option maxSongSeconds; raise it with --max-song-seconds/);
    await expect(vadExtract(dataset, 0, { maxSongSeconds: 5 })).rejects.toThrow(/the audio is 9\.0 s long, over the limit of 5 s/);
    expect(existsSync(stepPath(dataset, 0, "alignment"))).toBe(false);
  });

  it("refuses a limit that is not positive before reading anything", async () => {
    await expect(align(join(root, "nowhere"), 0, { maxLyricsChars: 0 })).rejects.toBeInstanceOf(StepOptionError);
    await expect(vadExtract(join(root, "nowhere"), 0, { maxSongSeconds: Number.NaN })).rejects.toBeInstanceOf(StepOptionError);
  });
});

describe("strict", () => {
  it("tries and reports every row, then fails the partition and writes nothing when any row failed", async () => {
    const dataset = await partition("strict", [good, { ...good, id: "emoji", lrc_lyrics: null, raw_lyrics: "🎵" }]);
    const reported: string[] = [];
    const error = await align(dataset, 0, { strict: true, onRowFailure: (f) => reported.push(f.id) }).catch((e: unknown) => e);
    expect(StrictRowFailuresError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe(
      `align: 1 of 2 rows of ${stepPath(dataset, 0, "index")} failed (rows 1 (id emoji)); strict is set, so nothing is written (fix or remove those rows, or drop --strict to skip them)`,
    );
    expect(reported).toEqual(["emoji"]);
    expect(existsSync(stepPath(dataset, 0, "alignment"))).toBe(false);
    // Without strict the same partition is written with the good row.
    const lenient = await align(dataset, 0);
    expect(lenient.failures.length).toBe(1);
    expect((await readTable(stepPath(dataset, 0, "alignment"), alignmentTable)).map((r) => r.id)).toEqual([good.id]);
  });
});
