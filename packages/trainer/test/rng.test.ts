import { describe, expect, it } from "vitest";

import { Rng } from "../src/index.js";

describe("Rng (xoshiro128**)", () => {
  it("matches the reference xoshiro128** outputs from state [1, 2, 3, 4]", () => {
    const rng = Rng.fromState([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it("continues the same stream from a saved state", () => {
    const a = Rng.fromSeed(42);
    for (let i = 0; i < 10; i++) a.nextFloat();
    const saved = JSON.parse(JSON.stringify(a.state())) as [number, number, number, number];
    const expected = Array.from({ length: 5 }, () => a.nextUint32());
    const b = Rng.fromState(saved);
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(expected);
  });

  it("gives different streams for different seeds and the same for equal seeds", () => {
    expect(Rng.fromSeed(1).nextUint32()).not.toBe(Rng.fromSeed(2).nextUint32());
    expect(Rng.fromSeed(2 ** 40 + 5).nextUint32()).toBe(Rng.fromSeed(2 ** 40 + 5).nextUint32());
  });

  it("draws uniform floats and bounded ints", () => {
    const rng = Rng.fromSeed(7);
    let sum = 0;
    const counts = new Array<number>(5).fill(0);
    for (let i = 0; i < 20000; i++) {
      const x = rng.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      sum += x;
      const k = rng.nextInt(5);
      counts[k] = (counts[k] as number) + 1;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
    for (const c of counts) expect(c).toBeGreaterThan(3700);
  });

  it("shuffles deterministically into a permutation", () => {
    const a = Rng.fromSeed(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Rng.fromSeed(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).toEqual(a);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects bad seeds and states", () => {
    expect(() => Rng.fromSeed(1.5)).toThrow(/safe integer/);
    expect(() => Rng.fromState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(/four unsigned/);
  });
});
