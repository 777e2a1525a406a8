import type { Xoshiro128 } from "@autosing/base";

/**
 * Port of whisperspeech/inference.py: sample — logits / max(T, 1e-5), optional top-k (keep
 * logits ≥ the k-th largest), softmax, then argmax(probs / Exponential(1)) (the "exponential
 * race", which draws exactly from the categorical distribution). `logits` is one row; entries
 * set to -Infinity are never drawn.
 */
export function sampleToken(logits: ArrayLike<number>, temperature: number, topK: number | undefined, random: Xoshiro128): number {
  const n = logits.length;
  const t = Math.max(temperature, 1e-5);
  let pivot = -Infinity;
  if (topK !== undefined && topK < n) {
    const sorted = Array.from(logits).sort((a, b) => b - a);
    pivot = sorted[Math.max(0, topK - 1)] ?? -Infinity;
  }
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[i] ?? -Infinity;
    if (v >= pivot && v / t > max) max = v / t;
  }
  let best = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = logits[i] ?? -Infinity;
    if (v < pivot || v === -Infinity) continue;
    // Unnormalised probabilities suffice: argmax(p / q) is unchanged by the softmax denominator.
    const score = Math.exp(v / t - max) / random.exponential();
    if (score > bestScore) {
      bestScore = score;
      best = i;
    }
  }
  return best;
}

/** Index of the largest value (first on ties), as torch.argmax. */
export function argmax(values: ArrayLike<number>, start = 0, end = values.length): number {
  let best = start;
  let bestValue = -Infinity;
  for (let i = start; i < end; i++) {
    const v = values[i] ?? -Infinity;
    if (v > bestValue) {
      bestValue = v;
      best = i;
    }
  }
  return best - start;
}
