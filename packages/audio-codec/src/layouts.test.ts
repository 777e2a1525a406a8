import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import type { Tokens } from "./index.js";
import {
  TokenShapeError,
  applyPattern,
  denseToSparse,
  flattenSnac,
  makeTokens,
  removePattern,
  sparseToDense,
  unflattenSnac,
} from "./index.js";

/**
 * Dense SNAC layout, T = 16, worked by hand from codecs.py: level 0 codes 11, 12 at columns 0, 8;
 * level 1 21–24 at 0, 4, 8, 12; level 2 31–38 at even columns; level 3 41–56 everywhere.
 */
const Z = 0;
const DENSE_16 = makeTokens(
  [
    [11, Z, Z, Z, Z, Z, Z, Z, 12, Z, Z, Z, Z, Z, Z, Z],
    [21, Z, Z, Z, 22, Z, Z, Z, 23, Z, Z, Z, 24, Z, Z, Z],
    [31, Z, 32, Z, 33, Z, 34, Z, 35, Z, 36, Z, 37, Z, 38, Z],
    [41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56],
  ].flat(),
  [4, 16],
);

const P = 1001; // numCodes + 1 with numCodes = 1000
/** apply_pattern("bricks", DENSE_16, 1000) by hand: streams delayed 1,2,3,3,4,4,4,4; odd L0 blocks = 1000. */
const BRICKS_16 = [
  [P, 11, 1000, 12, 1000, P, P, P, P, P, P, P],
  [P, P, 21, 22, 23, 24, P, P, P, P, P, P],
  [P, P, P, 31, 33, 35, 37, P, P, P, P, P],
  [P, P, P, 32, 34, 36, 38, P, P, P, P, P],
  [P, P, P, P, 41, 45, 49, 53, P, P, P, P],
  [P, P, P, P, 42, 46, 50, 54, P, P, P, P],
  [P, P, P, P, 43, 47, 51, 55, P, P, P, P],
  [P, P, P, P, 44, 48, 52, 56, P, P, P, P],
];

function rows(tokens: Tokens): number[][] {
  const width = tokens.shape[tokens.shape.length - 1]!;
  const out: number[][] = [];
  for (let i = 0; i < tokens.data.length; i += width) out.push(Array.from(tokens.data.subarray(i, i + width)));
  return out;
}

/** A random dense SNAC layout of T frames (T divisible by 8): zeros off each level's grid. */
function randomDense(random: () => number, t: number, numCodes: number): Tokens {
  const data = new Int32Array(4 * t);
  for (let i = 0; i < 4; i++) {
    const s = 2 ** (3 - i);
    for (let c = 0; c < t; c += s) data[i * t + c] = Math.floor(random() * numCodes);
  }
  return { data, shape: [4, t] };
}

describe("sparseToDense / denseToSparse (codecs.py encode/decode wrappers)", () => {
  it("places level i every 2^(3−i) columns", () => {
    const levels = [makeTokens([11, 12], [2]), makeTokens([21, 22, 23, 24], [4]), makeTokens([31, 32, 33, 34, 35, 36, 37, 38], [8]), makeTokens(Array.from({ length: 16 }, (_, i) => 41 + i), [16])];
    const dense = sparseToDense(levels);
    expect(dense.shape).toEqual([4, 16]);
    expect(Array.from(dense.data)).toEqual(Array.from(DENSE_16.data));
  });

  it("truncates level i to a multiple of 12·2^i codes when decoding (T = 200: 25, 50, 100, 200 → 24, 48, 96, 192 codes)", () => {
    const random = mulberry32(3);
    const dense = randomDense(random, 200, 4096);
    const sparse = denseToSparse(dense);
    expect(sparse.map((s) => s.shape)).toEqual([
      [1, 24],
      [1, 48],
      [1, 96],
      [1, 192],
    ]);
    expect(sparse[2]!.data[5]).toBe(dense.data[2 * 200 + 10]);
    const whole = denseToSparse(dense, { truncate: false });
    expect(whole.map((s) => s.shape[1])).toEqual([25, 50, 100, 200]);
    expect(Array.from(sparseToDense(whole.map((s) => ({ data: s.data, shape: [s.shape[1]!] }))).data)).toEqual(Array.from(dense.data));
  });

  it("keeps a batch dimension: [B, n_i] levels ↔ [B, 4, T]", () => {
    const random = mulberry32(8);
    const a = randomDense(random, 96, 4096);
    const b = randomDense(random, 96, 4096);
    const batched = { data: Int32Array.from([...a.data, ...b.data]), shape: [2, 4, 96] };
    const sparse = denseToSparse(batched);
    expect(sparse.map((s) => s.shape)).toEqual([
      [2, 12],
      [2, 24],
      [2, 48],
      [2, 96],
    ]);
    const dense = sparseToDense(sparse);
    expect(dense.shape).toEqual([2, 4, 96]);
    expect(Array.from(dense.data)).toEqual(Array.from(batched.data));
  });

  it("rejects levels of the wrong length", () => {
    expect(() => sparseToDense([makeTokens([1], [1]), makeTokens([1, 2, 3], [3])])).toThrow(/level 0 must be \[2\]/);
    expect(() => denseToSparse(makeTokens(new Int32Array(24), [3, 8]))).toThrow(TokenShapeError);
  });
});

describe("flattenSnac / unflattenSnac", () => {
  it("flattens [4, 16] into 15 phase rows of 2 (hand-computed)", () => {
    const flat = flattenSnac(DENSE_16);
    expect(flat.shape).toEqual([15, 2]);
    expect(rows(flat)).toEqual([
      [11, 12],
      [21, 23],
      [22, 24],
      [31, 35],
      [32, 36],
      [33, 37],
      [34, 38],
      ...Array.from({ length: 8 }, (_, p) => [41 + p, 49 + p]),
    ]);
    const back = unflattenSnac({ data: flat.data, shape: [1, 15, 2] });
    expect(back.shape).toEqual([1, 4, 16]);
    expect(Array.from(back.data)).toEqual(Array.from(DENSE_16.data));
  });

  it("round-trips random dense layouts (seeded property test)", () => {
    const random = mulberry32(11);
    for (let trial = 0; trial < 20; trial++) {
      const t = 8 * (1 + Math.floor(random() * 40));
      const dense = randomDense(random, t, 4096);
      const back = unflattenSnac(flattenSnac(dense));
      expect(back.shape).toEqual([4, t]);
      expect(Array.from(back.data)).toEqual(Array.from(dense.data));
    }
  });
});

describe("applyPattern / removePattern (sm2a.py)", () => {
  it("bricks: [4, 16] → [8, 12], golden worked by hand from apply_pattern", () => {
    const out = applyPattern("bricks", DENSE_16, 1000);
    expect(out.shape).toEqual([8, 12]);
    expect(rows(out)).toEqual(BRICKS_16);
    const back = removePattern("bricks", { data: out.data, shape: [1, 8, 12] });
    expect(back.shape).toEqual([1, 4, 16]);
    expect(Array.from(back.data)).toEqual(Array.from(DENSE_16.data));
  });

  it("bricks_unrolled: each bricks step ×4, one phase per stream, inner pads 4096/4097 as upstream", () => {
    const out = applyPattern("bricks_unrolled", DENSE_16, 1000);
    expect(out.shape).toEqual([8, 48]);
    const r = rows(out);
    // Row 0 keeps phase 0: bricks row 0 with 4096-based pads: [4097, 11, 4096, 12, 4096, 4097, ...].
    expect([0, 4, 8, 12, 16, 20].map((c) => r[0]![c])).toEqual([4097, 11, 4096, 12, 4096, 4097]);
    expect([1, 2, 3, 5].map((c) => r[0]![c])).toEqual([1000, 1000, 1000, 1000]);
    // Row 3 keeps phase 2; row 4+i keeps phase i.
    expect([2, 14, 18, 26].map((c) => r[3]![c])).toEqual([4097, 32, 34, 38]);
    expect(r[3]![12]).toBe(1000);
    expect([1, 17, 21].map((c) => r[5]![c])).toEqual([4097, 42, 46]);
    expect([19, 31].map((c) => r[7]![c])).toEqual([44, 56]);
    expect(r[7]![16]).toBe(1000);
    const back = removePattern("bricks_unrolled", { data: out.data, shape: [1, 8, 48] });
    expect(Array.from(back.data)).toEqual(Array.from(DENSE_16.data));
  });

  it("round-trips random dense layouts through both patterns, batched and unbatched (seeded)", () => {
    const random = mulberry32(5);
    for (let trial = 0; trial < 20; trial++) {
      const t = 8 * (1 + Math.floor(random() * 30));
      const dense = randomDense(random, t, 4096);
      for (const pattern of ["bricks", "bricks_unrolled"] as const) {
        const patterned = applyPattern(pattern, dense, 4096);
        expect(patterned.shape).toEqual([8, pattern === "bricks" ? t / 4 + 8 : t + 32]);
        const back = removePattern(pattern, patterned);
        expect(back.shape).toEqual([4, t]);
        expect(Array.from(back.data)).toEqual(Array.from(dense.data));
      }
    }
  });

  it("2496 frames (30 s cap) gives 632 bricks steps and 2528 unrolled steps", () => {
    const dense = randomDense(mulberry32(1), 2496, 4096);
    expect(applyPattern("bricks", dense, 4096).shape).toEqual([8, 632]);
    expect(applyPattern("bricks_unrolled", dense, 4096).shape).toEqual([8, 2528]);
  });

  it("rejects wrong shapes with TokenShapeError", () => {
    expect(() => applyPattern("bricks", makeTokens(new Int32Array(4 * 6), [4, 6]), 4096)).toThrow(/T divisible by 4/);
    expect(() => applyPattern("bricks", makeTokens(new Int32Array(24), [3, 8]), 4096)).toThrow(TokenShapeError);
    expect(() => removePattern("bricks", makeTokens(new Int32Array(8 * 5), [8, 5]))).toThrow(/L >= 8/);
    expect(() => removePattern("bricks_unrolled", makeTokens(new Int32Array(8 * 10), [8, 10]))).toThrow(/divisible by 4/);
    expect(() => applyPattern("stairs" as "bricks", DENSE_16, 4096)).toThrow(/unknown pattern/);
    expect(() => makeTokens([1, 2, 3], [2, 2])).toThrow(TokenShapeError);
  });
});
