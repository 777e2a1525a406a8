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
