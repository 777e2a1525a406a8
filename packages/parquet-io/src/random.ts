/**
 * Seeded randomness for shuffles: same seed, same output, on every machine. A string key (seed
 * plus a stream name and index) is hashed into the state of a mulberry32 generator, so each input
 * partition and each bucket has its own independent stream and a failed partition does not shift
 * the draws of the others.
 */

/** 32-bit FNV-1a then a murmur3 finaliser: spreads a key over the generator's state. */
function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform generator on [0, 1) for `(seed, ...stream)`. */
export function seededRandom(seed: number, ...stream: (string | number)[]): () => number {
  let state = hashKey([seed, ...stream].join(":"));
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T>(items: { length: number; [index: number]: T }, random: () => number): void {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
}
