import { describe, expect, it } from "vitest";

import { normalizePeak, peakScale } from "../src/index.js";

describe("normalizePeak (the fork's spec_utils.normalize)", () => {
  it("scales audio whose peak over all channels is above the threshold down to it, and leaves quieter audio alone", () => {
    const loud = [Float32Array.from([0.5, -2]), Float32Array.from([1, 0.25])];
    expect(peakScale(loud, 0.9)).toBe(0.45);
    expect(normalizePeak(loud, 0.9).map((c) => Array.from(c))).toEqual([[0.225, -0.9], [0.45, 0.1125]].map((c) => c.map(Math.fround)));
    const quiet = [Float32Array.from([0.9, -0.2])];
    expect(peakScale(quiet, 0.9)).toBe(1);
    expect(normalizePeak(quiet, 0.9)[0]).toBe(quiet[0]);
  });
});
