import { describe, expect, it } from "vitest";

import { Mulberry32, Xoshiro128, mulberry32, shuffleInPlace } from "./random.js";

// Golden values recorded from the five generators this module replaced (nn SeededRandom,
// trainer Rng, song-corpus Rng, parquet-io seededRandom, audio-codec seededRandom) before they
// were removed: every seeded output of autosing must stay byte-identical.
describe("Xoshiro128", () => {
  it("reproduces nn's former SeededRandom (32-bit seed, cached normals, exponentials)", () => {
    const rng = Xoshiro128.fromWord(1234);
    expect([rng.nextUint32(), rng.nextFloat(), rng.normal(), rng.normal(), rng.normal(), rng.exponential()]).toEqual([
      1927626933, 0.6467703008440308, -0.6688317369951812, 1.488152000763737, -0.06181016267026456, 0.02607485427934945,
    ]);
    expect(Xoshiro128.fromWord(-5).nextUint32()).toBe(1409054809);
  });

  it("reproduces the trainer's former Rng (64-bit seeds folded, state, derive)", () => {
    const rng = Xoshiro128.fromSeed(2 ** 33 + 7);
    expect(rng.nextUint32()).toBe(3280338355);
    expect(rng.nextFloat()).toBe(0.7628041936490659);
    expect(rng.nextInt(10)).toBe(1);
    expect(rng.nextNormal()).toBe(1.109397751301308);
    expect(rng.shuffle([1, 2, 3, 4, 5, 6, 7])).toEqual([1, 3, 2, 5, 4, 7, 6]);
    expect(rng.state()).toEqual([3761261376, 132836094, 4103733932, 2226046832]);
    expect(Xoshiro128.derive(42, 3, 9).nextUint32()).toBe(3141763429);
  });

  it("continues a stream from its saved state", () => {
    const rng = Xoshiro128.fromSeed(5);
    rng.nextUint32();
    const resumed = Xoshiro128.fromState(rng.state());
    expect(Array.from({ length: 5 }, () => resumed.nextUint32())).toEqual(Array.from({ length: 5 }, () => rng.nextUint32()));
  });

  it("agrees with fromWord for seeds below 2^32 and rejects bad seeds and states", () => {
    expect(Xoshiro128.fromSeed(77).state()).toEqual(Xoshiro128.fromWord(77).state());
    expect(() => Xoshiro128.fromSeed(0.5)).toThrow(RangeError);
    expect(() => Xoshiro128.fromState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(RangeError);
    expect(() => Xoshiro128.fromSeed(1).nextInt(0)).toThrow(RangeError);
  });
});

// The trainer's former Rng tests, retargeted (its checkpoints store this generator's state).
describe("Xoshiro128 (the trainer's stream)", () => {
  it("matches the reference xoshiro128** outputs from state [1, 2, 3, 4]", () => {
    const rng = Xoshiro128.fromState([1, 2, 3, 4]);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([11520, 0, 5927040, 70819200]);
  });

  it("continues the same stream from a state that went through JSON", () => {
    const a = Xoshiro128.fromSeed(42);
    for (let i = 0; i < 10; i++) a.nextFloat();
    const saved = JSON.parse(JSON.stringify(a.state())) as [number, number, number, number];
    const expected = Array.from({ length: 5 }, () => a.nextUint32());
    const b = Xoshiro128.fromState(saved);
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(expected);
  });

  it("gives different streams for different seeds and the same for equal seeds", () => {
    expect(Xoshiro128.fromSeed(1).nextUint32()).not.toBe(Xoshiro128.fromSeed(2).nextUint32());
    expect(Xoshiro128.fromSeed(2 ** 40 + 5).nextUint32()).toBe(Xoshiro128.fromSeed(2 ** 40 + 5).nextUint32());
  });

  it("draws uniform floats and bounded ints", () => {
    const rng = Xoshiro128.fromSeed(7);
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
    const a = Xoshiro128.fromSeed(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Xoshiro128.fromSeed(3).shuffle([0, 1, 2, 3, 4, 5, 6, 7])).toEqual(a);
    expect([...a].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("rejects bad seeds and states with messages that say what is expected", () => {
    expect(() => Xoshiro128.fromSeed(1.5)).toThrow(/safe integer/);
    expect(() => Xoshiro128.fromState([1, 2, 3] as unknown as [number, number, number, number])).toThrow(/four unsigned/);
  });
});

describe("mulberry32", () => {
  it("reproduces audio-codec's former seededRandom", () => {
    const next = mulberry32(99);
    expect([next(), next()]).toEqual([0.2604658124037087, 0.8048227655235678]);
  });

  it("reproduces song-corpus's former Rng.derive stream and helpers", () => {
    const rng = Mulberry32.fromNumbers(7, 3, 1);
    expect([rng.next(), rng.int(2, 9), rng.uniform(-1, 1), rng.pick(["a", "b", "c"]), rng.gaussian()]).toEqual([
      0.4130470431409776, 8, 0.8927064454182982, "a", 0.08984544214038191,
    ]);
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it("reproduces parquet-io's former keyed streams and shuffle", () => {
    const rng = Mulberry32.fromKey(11, "bucket", 4);
    expect([rng.next(), rng.next()]).toEqual([0.02884972933679819, 0.6808913175482303]);
    expect(shuffleInPlace([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], Mulberry32.fromKey(3, "x").asFunction())).toEqual([1, 6, 4, 7, 2, 5, 9, 0, 3, 8]);
  });
});

// song-corpus's former Rng tests, retargeted: every corpus song draws from its own stream.
describe("Mulberry32 (the corpus's streams)", () => {
  it("gives independent streams for different seeds and keys, equal streams for equal ones", () => {
    const draw = (rng: Mulberry32): number[] => Array.from({ length: 4 }, () => rng.next());
    const streams = [
      Mulberry32.fromNumbers(7, 0),
      Mulberry32.fromNumbers(8, 0),
      Mulberry32.fromNumbers(7, 1),
      Mulberry32.fromNumbers(0, 7),
      Mulberry32.fromNumbers(7),
    ].map(draw);
    const keys = new Set(streams.map((s) => s.join(",")));
    expect(keys.size).toBe(streams.length);
    expect(draw(Mulberry32.fromNumbers(7, 0))).toEqual(streams[0]);
  });

  it("stays in range", () => {
    const rng = new Mulberry32(1);
    for (let i = 0; i < 1000; i++) {
      const v = rng.next();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      const k = rng.int(3, 5);
      expect(k >= 3 && k <= 5).toBe(true);
    }
  });
});
