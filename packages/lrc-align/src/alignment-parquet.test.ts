import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { alignmentTable, readTable, writeTable } from "@autosing/parquet-io";
import { afterAll, describe, expect, it } from "vitest";

import { Alignment } from "./alignment.js";

const dir = mkdtempSync(join(tmpdir(), "lrc-align-parquet-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("Alignment ↔ alignment.parquet", () => {
  it("round-trips through a real Parquet file losslessly (null rows stay null)", async () => {
    const alignment = Alignment.from({
      starts: [0.1, 0.30000000000000004, 1 / 3],
      ends: [0.2, 0.33, 0.5],
      scores: [-0.125, -1e-9, -7.5],
      tokens: [15, 25, 32],
      words: ["hel", "lo"],
      lines: ["hel lo", ""],
      tokens_per_word: [2, 1],
      words_per_line: [2, 0],
      inlier_ratio: 0.75,
      lrclib_offset: -1.25,
    });
    const file = join(dir, "alignment.parquet");
    await writeTable(file, alignmentTable, [
      { id: "song-a", alignment: alignment.toParquet() },
      { id: "song-b", alignment: null },
    ]);
    const rows = await readTable(file, alignmentTable);
    expect(rows.map((r) => r.id)).toEqual(["song-a", "song-b"]);
    expect(rows[1]?.alignment).toBeNull();
    const back = Alignment.fromParquet(rows[0]?.alignment);
    expect(back.toJSON()).toEqual(alignment.toJSON());
    expect(back.starts[2]).toBe(1 / 3);
    expect(Number.isNaN(back.lineSpans.starts[1])).toBe(true);
  });
});
