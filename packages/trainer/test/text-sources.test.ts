import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type MainRow, makeAlignment, mainTable, stepPath, writeTable } from "@autosing/parquet-io";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { T2STextSourceCounts, type T2SSample, type TrainingRow, surveyT2STextSources, t2sSample, t2sTextSource } from "../src/index.js";

function alignment(inlierRatio: number | null) {
  return makeAlignment({
    starts: [1.0],
    ends: [1.5],
    scores: [0],
    tokens: [1],
    words: ["hello"],
    lines: ["hello"],
    tokens_per_word: [1],
    words_per_line: [1],
    inlier_ratio: inlierRatio,
    lrclib_offset: null,
  });
}

function row(id: string, ratio: number | null | undefined): MainRow {
  return {
    id,
    atoks: Int32Array.from({ length: 64 }, (_, i) => i),
    mtoks: Int32Array.from({ length: 64 }, (_, i) => i),
    stoks: Int32Array.from({ length: 50 }, (_, i) => i),
    embs: new Float32Array(256),
    alignment: ratio === undefined ? null : alignment(ratio),
  };
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-text-sources-"));
  // Partition 1: 6 rows without alignment, 2 good; partition 2: 3 low ratio, 1 good.
  await writeTable(stepPath(root, 1, "main"), mainTable(), [
    ...Array.from({ length: 6 }, (_, i) => row(`a${i}`, undefined)),
    row("a6", 0.95),
    row("a7", 0.9),
  ]);
  await writeTable(stepPath(root, 2, "main"), mainTable(), [row("b0", 0.5), row("b1", 0.85), row("b2", null), row("b3", 0.99)]);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("t2s text sources (upstream's placeholder rows, counted)", () => {
  it("tells alignment, text column and placeholder apart, with the placeholder's cause", () => {
    expect(t2sTextSource({ alignment: alignment(0.9) })).toEqual({ source: "alignment" });
    // At the threshold the alignment is not trusted (upstream: inlier_ratio > min_inlier_ratio).
    expect(t2sTextSource({ alignment: alignment(0.85) })).toEqual({ source: "placeholder", cause: "low-inlier-ratio" });
    expect(t2sTextSource({ alignment: alignment(0.85), text: "words" })).toEqual({ source: "text" });
    expect(t2sTextSource({ alignment: null })).toEqual({ source: "placeholder", cause: "missing-alignment" });
    expect(t2sTextSource({ alignment: alignment(null) })).toEqual({ source: "placeholder", cause: "missing-alignment" });
    expect(t2sTextSource({ alignment: alignment(0.5) }, 0.4)).toEqual({ source: "alignment" });
  });

  it("counts the samples t2sSample maps by source", () => {
    const counts = new T2STextSourceCounts();
    const rows: TrainingRow[] = [row("x", 0.9), row("y", undefined), row("z", 0.1), { ...row("w", undefined), text: "plain" }];
    for (const r of rows) expect((t2sSample(r, { ttoksLength: 450, textSources: counts }) as T2SSample).inTtoks).toHaveLength(450);
    expect({ ...counts, total: counts.total }).toEqual({ alignment: 1, text: 1, placeholder: 2, missingAlignment: 1, lowInlierRatio: 1, total: 4 });
    expect(counts.describe("training samples")).toMatch(/^2 of 4 training samples \(50 %\) have no usable text .*no alignment: 1, inlier_ratio ≤ min_inlier_ratio 0\.85: 1\)/);
  });

  it("surveys the training partitions' alignment column before a run", async () => {
    const all = await surveyT2STextSources(root);
    expect({ ...all }).toEqual({ alignment: 3, text: 0, placeholder: 9, missingAlignment: 7, lowInlierRatio: 2 });
    // Evenly from each partition: 2 rows of each with maxRows 4.
    const few = await surveyT2STextSources(root, { maxRows: 4 });
    expect(few.total).toBe(4);
    expect({ ...few }).toMatchObject({ missingAlignment: 2, lowInlierRatio: 2 });
    expect((await surveyT2STextSources(root, { partitionOffset: 1 })).total).toBe(4);
    expect((await surveyT2STextSources(root, { minInlierRatio: 0.4 })).alignment).toBe(5);
  });
});
