/**
 * A small seeded PRNG (mulberry32). Every song draws from its own stream, derived from the
 * corpus seed and the song's index, so a song does not depend on how many songs or partitions
 * were asked for.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream for `(seed, ...keys)`, mixed with a 32-bit hash so nearby seeds diverge. */
  static derive(seed: number, ...keys: number[]): Rng {
    let h = 0x9e3779b9;
    for (const key of [seed, ...keys]) {
      // Add (not xor) the key, then murmur3's finaliser: every key changes every bit.
      h = Math.imul((h + (key >>> 0)) >>> 0, 0x85ebca6b) >>> 0;
      h = (h ^ (h >>> 13)) >>> 0;
      h = Math.imul(h, 0xc2b2ae35) >>> 0;
      h = (h ^ (h >>> 16)) >>> 0;
    }
    return new Rng(h);
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi] inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new RangeError("Rng.pick on an empty list");
    return item;
  }

  /** Approximately normal (sum of four uniforms), mean 0, sd 1. */
  gaussian(): number {
    return (this.next() + this.next() + this.next() + this.next() - 2) * Math.sqrt(3);
  }
}
