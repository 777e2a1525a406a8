import { Xoshiro128 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { argmax, sampleToken } from "./sampling.js";

describe("sampling (port of whisperspeech inference.sample)", () => {
  const logits = Float32Array.from([0.1, 2.0, -1.0, 1.5, 0.0]);

  it("is reproducible per seed and follows the softmax distribution", () => {
    const draw = (seed: number): number[] => {
      const random = Xoshiro128.fromWord(seed);
      return Array.from({ length: 20 }, () => sampleToken(logits, 1, undefined, random));
    };
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    const random = Xoshiro128.fromWord(7);
    const counts = new Array(5).fill(0) as number[];
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const token = sampleToken(logits, 1, undefined, random);
      counts[token] = (counts[token] ?? 0) + 1;
    }
    const z = Array.from(logits).reduce((a, v) => a + Math.exp(v), 0);
    counts.forEach((c, i) => expect(Math.abs(c / n - Math.exp(logits[i] ?? 0) / z)).toBeLessThan(0.015));
  });

  it("top-k keeps only the k best; temperature → 0 is argmax", () => {
    const random = Xoshiro128.fromWord(3);
    const drawn = new Set(Array.from({ length: 200 }, () => sampleToken(logits, 1, 2, random)));
    expect([...drawn].sort()).toEqual([1, 3]);
    expect(sampleToken(logits, 0, undefined, random)).toBe(1);
    expect(argmax(logits)).toBe(1);
  });
});
