import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { randomLogProbs } from "./__fixtures__/random-log-probs.js";
import { AlignTooManyTokensError, ForcedAlignInputError } from "./errors.js";
import { alignTokens, forcedAlign, mergeTokens, repeatFrames } from "./forced-align.js";
import type { Emission } from "./forced-align.js";

/** Every CTC path spelling `targets` over T frames, by exhaustive enumeration of state sequences. */
function bruteForceBest(emission: Emission, targets: number[], blank: number): { score: number; labels: number[] } {
  const S = 2 * targets.length + 1;
  const label = (s: number) => (s % 2 === 0 ? blank : (targets[(s - 1) / 2] ?? -1));
  let best = { score: -Infinity, labels: [] as number[] };
  const walk = (t: number, s: number, score: number, path: number[]) => {
    const value = score + (emission.data[t * emission.classes + label(s)] ?? 0);
    const next = [...path, label(s)];
    if (t === emission.frames - 1) {
      if ((s === S - 1 || s === S - 2) && value > best.score) best = { score: value, labels: next };
      return;
    }
    walk(t + 1, s, value, next);
    if (s + 1 < S) walk(t + 1, s + 1, value, next);
    if (s + 2 < S && (s + 2) % 2 === 1 && label(s + 2) !== label(s)) walk(t + 1, s + 2, value, next);
  };
  walk(0, 0, 0, []);
  walk(0, 1, 0, []);
  return best;
}

describe("forcedAlign", () => {
  it("matches brute-force enumeration of all paths on small random inputs", () => {
    const random = mulberry32(1234);
    let cases = 0;
    for (let trial = 0; trial < 300; trial++) {
      const classes = 2 + Math.floor(random() * 4);
      const length = 1 + Math.floor(random() * 3);
      const targets = Array.from({ length }, () => 1 + Math.floor(random() * (classes - 1)));
      let repeats = 0;
      for (let i = 1; i < length; i++) if (targets[i] === targets[i - 1]) repeats++;
      const frames = length + repeats + Math.floor(random() * 5);
      const emission: Emission = { data: randomLogProbs(random, frames, classes), frames, classes };
      const expected = bruteForceBest(emission, targets, 0);
      const { labels, scores } = forcedAlign(emission, targets, { blank: 0 });
      expect(labels.length).toBe(frames);
      expect(Array.from(labels)).toEqual(expected.labels);
      expect(scores.reduce((a, b) => a + b, 0)).toBeCloseTo(expected.score, 4);
      cases++;
    }
    expect(cases).toBe(300);
  });

  it("handles a non-zero blank and the tight case frames = labels + repeats", () => {
    const random = mulberry32(7);
    const emission: Emission = { data: randomLogProbs(random, 5, 4), frames: 5, classes: 4 };
    const { labels } = forcedAlign(emission, [1, 1, 2, 0], { blank: 3 });
    expect(Array.from(labels)).toEqual([1, 3, 1, 2, 0]);
    expect(Array.from(labels)).toEqual(bruteForceBest(emission, [1, 1, 2, 0], 3).labels);
  });

  it("rejects bad input like torchaudio", () => {
    const emission: Emission = { data: new Float32Array(3 * 3), frames: 3, classes: 3 };
    expect(() => forcedAlign(emission, [1, 1, 1])).toThrow(/too long for CTC/);
    expect(() => forcedAlign(emission, [1, 0])).toThrow(ForcedAlignInputError);
    expect(() => forcedAlign(emission, [5])).toThrow(/outside/);
    expect(() => forcedAlign(emission, [])).toThrow(ForcedAlignInputError);
    expect(() => forcedAlign({ data: new Float32Array(5), frames: 3, classes: 3 }, [1])).toThrow(/9/);
  });
});

describe("mergeTokens", () => {
  it("makes [start, end) spans of non-blank runs with the mean frame score", () => {
    const spans = mergeTokens([0, 2, 2, 0, 0, 3, 1, 1], [-1, -0.5, -1.5, 0, 0, -2, -0.2, -0.4]);
    expect(spans).toEqual([
      { token: 2, start: 1, end: 3, score: -1 },
      { token: 3, start: 5, end: 6, score: -2 },
      { token: 1, start: 6, end: 8, score: expect.closeTo(-0.3, 12) as unknown as number },
    ]);
  });
});

describe("alignTokens (upstream align with ×2/×4 retry)", () => {
  it("repeats frames when there are more tokens than frames and maps spans back", () => {
    const random = mulberry32(99);
    const emission: Emission = { data: randomLogProbs(random, 4, 5), frames: 4, classes: 5 };
    expect(repeatFrames(emission, 2).frames).toBe(8);
    const spans = alignTokens(emission, [1, 2, 3, 4, 1, 2]);
    expect(spans.map((s) => s.token)).toEqual([1, 2, 3, 4, 1, 2]);
    expect(spans.every((s) => s.start * 2 === Math.round(s.start * 2))).toBe(true);
    expect(spans.at(-1)?.end).toBeLessThanOrEqual(4);
    expect(() => alignTokens(emission, Array.from({ length: 17 }, (_, i) => 1 + (i % 4)))).toThrow(AlignTooManyTokensError);
  });
});
