/**
 * Every seeded random generator of autosing, in one module. Two algorithms are in use and both
 * stay, so that every seeded output (corpus songs, shuffles, initial weights, sampled tokens,
 * training order) is byte-identical to what earlier versions produced:
 *
 * - **xoshiro128\*\*** (Blackman & Vigna), seeded through splitmix32: 128 bits of state that a
 *   checkpoint stores as four words, 53-bit floats; for weights, sampling and training order.
 * - **mulberry32**: one 32-bit word of state, 32-bit floats; for the synthetic corpus, the
 *   default codec's k-means and construct-dataset's shuffles.
 */

/** The splitmix32 sequence from `seed`: spreads one word into well-mixed words (seeds xoshiro). */
export function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** murmur3's 32-bit finaliser: every input bit changes every output bit. */
function murmurFinalise(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A 32-bit hash of a string key (FNV-1a, then murmur3's finaliser). */
export function hashStringKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return murmurFinalise(h);
}

/**
 * A 32-bit hash of a list of numbers: each key is added (not xored) and mixed with murmur3's
 * multiply–shift steps, so `(seed, 1, 2)` and `(seed, 2, 1)` give unrelated values.
 */
export function hashNumberKeys(keys: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const key of keys) {
    h = Math.imul((h + (key >>> 0)) >>> 0, 0x85ebca6b) >>> 0;
    h = (h ^ (h >>> 13)) >>> 0;
    h = Math.imul(h, 0xc2b2ae35) >>> 0;
    h = (h ^ (h >>> 16)) >>> 0;
  }
  return h;
}

/** The mulberry32 step function: floats in [0, 1) with 32 random bits, from a one-word state. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place, drawing `j = floor(random() × (i + 1))`; returns `items`. */
export function shuffleInPlace<T, A extends { length: number; [index: number]: T }>(items: A, random: () => number): A {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
  return items;
}

/** mulberry32 with the helpers its users need (ranges, picks, an approximate normal). */
export class Mulberry32 {
  private readonly step: () => number;

  constructor(seed: number) {
    this.step = mulberry32(seed);
  }

  /** A stream for `(seed, ...keys)` of numbers (e.g. corpus seed, song index). */
  static fromNumbers(seed: number, ...keys: number[]): Mulberry32 {
    return new Mulberry32(hashNumberKeys([seed, ...keys]));
  }

  /** A stream for `(seed, ...stream)` joined as a string key (e.g. seed, "partition", 3). */
  static fromKey(seed: number, ...stream: (string | number)[]): Mulberry32 {
    return new Mulberry32(hashStringKey([seed, ...stream].join(":")));
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.step();
  }

  /** The generator as a plain function, for APIs that take `() => number`. */
  asFunction(): () => number {
    return this.step;
  }

  /** Integer in [low, high] inclusive. */
  int(low: number, high: number): number {
    return low + Math.floor(this.step() * (high - low + 1));
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + this.step() * (high - low);
  }

  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.step() * items.length)];
    if (item === undefined) throw new RangeError("Mulberry32.pick on an empty list");
    return item;
  }

  /** Approximately normal (sum of four uniforms), mean 0, sd 1. */
  gaussian(): number {
    return (this.step() + this.step() + this.step() + this.step() - 2) * Math.sqrt(3);
  }
}

/** The four 32-bit words of a xoshiro128** state (JSON-serialisable, for checkpoints). */
export type Xoshiro128State = readonly [number, number, number, number];

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}

/** xoshiro128** with 53-bit floats, bias-free integers, normals, shuffles and derived streams. */
export class Xoshiro128 {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** Second value of the last Box–Muller pair drawn by `normal()`; not part of `state()`. */
  private spareNormal: number | undefined;

  private constructor(state: Xoshiro128State) {
    [this.s0, this.s1, this.s2, this.s3] = state;
  }

  /** A generator seeded from any safe integer; the high bits are folded in, so 2^32 + 1 differs from 1. */
  static fromSeed(seed: number): Xoshiro128 {
    if (!Number.isSafeInteger(seed)) throw new RangeError(`random seed must be a safe integer, got ${seed}`);
    const low = seed >>> 0;
    const high = Math.floor(seed / 2 ** 32) >>> 0;
    return Xoshiro128.fromWord(low ^ Math.imul(high, 0x27d4eb2f));
  }

  /** A generator seeded from the low 32 bits of `seed` (`seed >>> 0`; negative seeds wrap). */
  static fromWord(seed: number): Xoshiro128 {
    const mix = splitmix32(seed);
    const state: [number, number, number, number] = [mix(), mix(), mix(), mix()];
    // xoshiro must not start from the all-zero state.
    if (state.every((word) => word === 0)) state[0] = 1;
    return new Xoshiro128(state);
  }

  /**
   * An independent generator for a named sub-stream (e.g. seed, epoch, worker): the same
   * parts always give the same stream, so an epoch's data order depends on nothing else.
   */
  static derive(seed: number, ...parts: number[]): Xoshiro128 {
    let hash = Xoshiro128.fromSeed(seed).nextUint32();
    for (const part of parts) hash = Xoshiro128.fromSeed(hash * 2 ** 20 + (part >>> 0)).nextUint32();
    return Xoshiro128.fromSeed(hash);
  }

  /** A generator continuing from a state returned by `state()`. */
  static fromState(state: Xoshiro128State): Xoshiro128 {
    if (state.length !== 4 || state.some((word) => !Number.isInteger(word) || word < 0 || word > 0xffffffff)) {
      throw new RangeError(`random state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}`);
    }
    return new Xoshiro128(state);
  }

  /** The current state; `Xoshiro128.fromState(rng.state())` continues the same stream. */
  state(): Xoshiro128State {
    return [this.s0, this.s1, this.s2, this.s3];
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5) >>> 0, 7), 9) >>> 0;
    const t = (this.s1 << 9) >>> 0;
    this.s2 = (this.s2 ^ this.s0) >>> 0;
    this.s3 = (this.s3 ^ this.s1) >>> 0;
    this.s1 = (this.s1 ^ this.s2) >>> 0;
    this.s0 = (this.s0 ^ this.s3) >>> 0;
    this.s2 = (this.s2 ^ t) >>> 0;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** A float in [0, 1) with 53 random bits. */
  nextFloat(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** An integer in [0, n), without modulo bias. */
  nextInt(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) throw new RangeError(`nextInt bound must be in 1..2^32, got ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const value = this.nextUint32();
      if (value < limit) return value % n;
    }
  }

  /**
   * A standard normal (Box–Muller) whose pair partner is discarded, so `state()` alone
   * describes the stream (what a resumable training run needs).
   */
  nextNormal(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A standard normal (Box–Muller) that keeps the pair's second value for the next call: half
   * the draws of `nextNormal()`, for weight initialisation where no state is saved.
   */
  normal(): number {
    if (this.spareNormal !== undefined) {
      const value = this.spareNormal;
      this.spareNormal = undefined;
      return value;
    }
    let u = 0;
    while (u === 0) u = this.nextFloat();
    const v = this.nextFloat();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /** Exponential(1), as torch's `exponential_(1)` draws for the sampling race. */
  exponential(): number {
    let u = 0;
    while (u === 0) u = this.nextFloat();
    return -Math.log(u);
  }

  /** Shuffles an array in place (Fisher–Yates, bias-free indices) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(i + 1);
      const tmp = items[i] as T;
      items[i] = items[j] as T;
      items[j] = tmp;
    }
    return items;
  }

  /** A fresh seed for a tfjs op that takes one (dropout, random_uniform), drawn from this stream. */
  nextSeed(): number {
    return this.nextUint32();
  }
}
