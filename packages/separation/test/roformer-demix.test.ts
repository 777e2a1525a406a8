// The chunk plan of the fork's MDXCSeparator.demix (RoFormer branch), written out by hand from its
// loop `for i in range(0, L, step)`: a chunk at i while i + chunk <= L, else the end-aligned chunk
// (added once per such i), and the scipy Hamming window it weights chunks with.
import { describe, expect, it } from "vitest";

import { OverlapAdd, demixPlan, hammingWindow } from "../src/index.js";

describe("demixPlan", () => {
  it("the golden fixture's song: starts every 441 samples while a 1024-sample chunk fits, then the end chunk twice", () => {
    // i = 0, 441, 882, 1323, 1764 fit (1764 + 1024 = 2788 <= 3000); i = 2205 and 2646 do not.
    expect(demixPlan(3000, 1024, 441)).toEqual({
      paddedLength: 3000,
      chunks: [0, 441, 882, 1323, 1764].map((start) => ({ start, repeats: 1 })).concat([{ start: 1976, repeats: 2 }]),
    });
  });

  it("the real model's 8 s chunk at the default 8 s overlap: a 20 s song", () => {
    const chunk = 441 * 800;
    const step = 8 * 44_100;
    // i = 0 and 352800 fit (705600 <= 882000); i = 705600 does not: one end chunk.
    expect(demixPlan(882_000, chunk, step).chunks).toEqual([
      { start: 0, repeats: 1 },
      { start: 352_800, repeats: 1 },
      { start: 882_000 - chunk, repeats: 1 },
    ]);
  });

  it("a song shorter than a chunk is padded to one chunk, run once with the weight of every start", () => {
    expect(demixPlan(200, 1024, 441)).toEqual({ paddedLength: 1024, chunks: [{ start: 0, repeats: 1 }, { start: 0, repeats: 2 }] });
  });
});

describe("hammingWindow / OverlapAdd", () => {
  it("is scipy.signal.windows.hamming (symmetric): 0.08 at both ends, 1 in the middle of an odd length", () => {
    const w = hammingWindow(5);
    expect(Array.from(w)).toEqual([0.08, 0.54, 1, 0.54, 0.08].map(Math.fround));
  });

  it("divides the weighted sums by the summed weights", () => {
    const sum = new OverlapAdd(6, 1, 4);
    sum.add(0, 1, [Float32Array.of(1, 1, 1, 1)]);
    sum.add(2, 1, [Float32Array.of(3, 3, 3, 3)]);
    const [out] = sum.finish();
    const w = hammingWindow(4);
    expect(out![0]).toBeCloseTo(1, 6);
    expect(out![2]).toBeCloseTo((w[2]! + 3 * w[0]!) / (w[2]! + w[0]!), 6);
    expect(out![5]).toBeCloseTo(3, 6);
  });
});
