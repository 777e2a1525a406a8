import { Xoshiro128 } from "@autosing/base";
import { makeAlignment } from "@autosing/parquet-io";
import { describe, expect, it } from "vitest";

import {
  T2S_PLACEHOLDER_TEXT,
  type SampleContext,
  type SM2ASample,
  type T2SSample,
  type TrainingRow,
  collateSM2A,
  collateT2S,
  sm2aSample,
  t2sSample,
  t2sText,
  t2sTextLength,
  t2sTextTokens,
} from "../src/index.js";

function alignment(inlierRatio: number | null) {
  // hello (1.0–1.5 s), world (14.0–14.8), second (16.0–16.5), partial: one token inside 29.9 s, one past it.
  return makeAlignment({
    starts: [1.0, 14.0, 16.0, 29.5, 29.85],
    ends: [1.5, 14.8, 16.5, 29.8, 29.95],
    scores: [0, 0, 0, 0, 0],
    tokens: [1, 2, 3, 4, 5],
    words: ["hello", "world", "second", "partial"],
    lines: ["hello world", "second partial"],
    tokens_per_word: [1, 1, 1, 2],
    words_per_line: [2, 2],
    inlier_ratio: inlierRatio,
    lrclib_offset: null,
  });
}

function row(frames = 16, overrides: Partial<TrainingRow> = {}): TrainingRow {
  return {
    id: "r",
    atoks: Int32Array.from({ length: 4 * frames }, (_, i) => (i * 3) % 4096),
    mtoks: Int32Array.from({ length: 4 * frames }, (_, i) => (i * 5) % 4096),
    stoks: Int32Array.from({ length: 750 }, (_, i) => i % 2048),
    embs: Float32Array.from({ length: 768 }, (_, i) => Math.floor(i / 256)),
    alignment: null,
    ...overrides,
  };
}

const context = (seed = 1): SampleContext => ({ rng: Xoshiro128.fromSeed(seed), partition: 1, file: "f", row: 0 });

describe("t2s samples (T2SDataset.entries)", () => {
  it("encodes text as UTF-8 bytes with end-of-text before and after, cut to the length", () => {
    // upstream: bytes cut to length − 1, then F.pad(…, (1, length − n)): length + 1 tokens, so each shifted half is `length` long.
    expect(Array.from(t2sTextTokens("  hé\n", 7))).toEqual([0, 104, 0xc3, 0xa9, 0, 0, 0, 0]);
    expect(Array.from(t2sTextTokens("abcdefgh", 4))).toEqual([0, 97, 98, 99, 0]);
    expect(t2sTextLength("/data/short_30s")).toBe(450);
    expect(t2sTextLength("/data/full")).toBe(900);
  });

  it("takes text from a trusted alignment: sliced to the chunk, newline before the first word after 15 s, partial words blanked", () => {
    expect(t2sText({ alignment: alignment(0.9) }, 750)).toBe("hello world\nsecond");
    // At or below the inlier threshold (or without a ratio) the text column, then the placeholder, are used.
    expect(t2sText({ alignment: alignment(0.85), text: "plain" }, 750)).toBe("plain");
    expect(t2sText({ alignment: alignment(null) }, 750)).toBe(T2S_PLACEHOLDER_TEXT);
  });

  it("builds shifted pairs, bricks music tokens and masks the fine levels", () => {
    const sample = t2sSample(row(16, { alignment: alignment(0.9) }), { ttoksLength: 900 }) as T2SSample;
    expect(sample.inStoks).toHaveLength(750);
    expect(sample.inStoks[0]).toBe(2048);
    expect(Array.from(sample.outStoks.subarray(0, 3))).toEqual([0, 1, 2]);
    // upstream's T2SDataset yields ttoks[:-1] and ttoks[1:] of 900 each for a 900-byte model (ttoks_len).
    expect(sample.inTtoks).toHaveLength(900);
    expect(sample.outTtoks).toHaveLength(900);
    expect(sample.inTtoks[0]).toBe(0);
    expect(sample.outTtoks[899]).toBe(0);
    expect(String.fromCharCode(...sample.outTtoks.subarray(0, 18))).toBe("hello world\nsecond");
    expect(sample.mtoksLength).toBe(16 / 4 + 8);
    // Only the two unmasked streams are held; the collate masks the other six.
    expect(sample.mtoks).toHaveLength(2 * 12);
    const batch = collateT2S([sample]);
    expect(batch.ttoksLength).toBe(900);
    expect(batch.mtoks).toHaveLength(8 * 12);
    expect(batch.mtoks.subarray(2 * 12).every((v) => v === 4096)).toBe(true);
    expect(Array.from(batch.mtoks.subarray(0, 2 * 12))).toEqual(Array.from(sample.mtoks));
    // Level 0 (row 0) is delayed by one step: the pad code first, then the first code.
    expect(sample.mtoks[0]).toBe(4097);
    expect(sample.mtoks[1]).toBe(0);
    expect(sample.language).toBe(0);
    expect(sample.cps).toBe(1);
  });

  it("masks all music when a row has none, and skips rows with malformed tokens", () => {
    const sample = t2sSample(row(16, { mtoks: null }), { ttoksLength: 450 }) as T2SSample;
    expect(collateT2S([sample]).mtoks.every((v) => v === 4096 || v === 4097)).toBe(true);
    // mask_finegrained 0 keeps all eight streams.
    expect((t2sSample(row(16), { ttoksLength: 450, maskFinegrained: 0 }) as T2SSample).mtoks).toHaveLength(8 * 12);
    expect(t2sSample(row(16, { atoks: new Int32Array(10) }), { ttoksLength: 450 })).toEqual({
      skip: "atoks has 10 values, not a non-empty multiple of 4 (dense [4, T])",
    });
    expect(t2sSample(row(16, { stoks: Int32Array.from([5, 4000]) }), { ttoksLength: 450 })).toEqual({ skip: "stoks holds 4000, outside 0..2048" });
  });

  it("collates samples into row-major batches", () => {
    const a = t2sSample(row(), { ttoksLength: 450 }) as T2SSample;
    const batch = collateT2S([a, a]);
    expect(batch).toMatchObject({ size: 2, ttoksLength: 450, stoksLength: 750, mtoksLength: 12 });
    expect(batch.inStoks).toHaveLength(1500);
    expect(() => collateT2S([a, t2sSample(row(32), { ttoksLength: 450 }) as T2SSample])).toThrow(/differ in length/);
  });
});

describe("sm2a samples (SM2ADataset.entries)", () => {
  it("shifts semantic tokens, unrolls acoustic tokens and averages the artist embeddings", () => {
    const sample = sm2aSample(row(), {}, context()) as SM2ASample;
    expect(sample.stoks).toHaveLength(750);
    expect(Array.from(sample.stoks.subarray(0, 3))).toEqual([2048, 0, 1]);
    expect(sample.atoksLength).toBe(4 * (16 / 4 + 8));
    expect(Array.from(collateSM2A([sample]).atoksPositions)).toEqual(Array.from({ length: 48 }, (_, i) => i));
    expect(sample.mtoksLength).toBe(12);
    expect(sample.artistEmbedding.every((v) => v === 1)).toBe(true); // mean of rows 0, 1, 2
  });

  it("multiscale: coarse bricks at 4× positions, or an 8-aligned window of the unrolled view", () => {
    const coarse = sm2aSample(row(), { multiscale: true, pCoarse: 1 }, context()) as SM2ASample;
    expect(coarse.atoksLength).toBe(12);
    expect(Array.from(collateSM2A([coarse]).atoksPositions)).toEqual(Array.from({ length: 12 }, (_, i) => 4 * i));
    const offsets = new Set<number>();
    for (let seed = 0; seed < 20; seed++) {
      const fine = sm2aSample(row(64), { multiscale: true, pCoarse: 0 }, context(seed)) as SM2ASample;
      expect(fine.atoksLength).toBe(fine.mtoksLength);
      const offset = fine.atoksPositionStart;
      expect(offset % 8).toBe(0);
      expect(Array.from(collateSM2A([fine]).atoksPositions)).toEqual(Array.from({ length: fine.atoksLength }, (_, i) => offset + i));
      offsets.add(offset);
      const full = sm2aSample(row(64), {}, context()) as SM2ASample;
      expect(fine.atoks.subarray(0, fine.atoksLength)).toEqual(full.atoks.subarray(offset, offset + fine.atoksLength));
    }
    expect(offsets.size).toBeGreaterThan(1);
  });

  it("drops music and speaker conditioning with p_no_cond", () => {
    const sample = sm2aSample(row(), { pNoCond: 1 }, context()) as SM2ASample;
    expect(sample.mtoks.every((v) => v === 4096)).toBe(true);
    expect(sample.artistEmbedding.every((v) => v === 0)).toBe(true);
    expect(sm2aSample(row(16, { embs: new Float32Array(100) }), {}, context())).toEqual({
      skip: "embs has 100 values, not a non-empty multiple of 256",
    });
    const batch = collateSM2A([sample, sample]);
    expect(batch).toMatchObject({ size: 2, stoksLength: 750, atoksLength: 48, mtoksLength: 12 });
    expect(batch.artistEmbeddings).toHaveLength(512);
  });
});
