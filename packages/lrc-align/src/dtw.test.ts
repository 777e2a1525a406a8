import { mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { dtw, fullWindow, windowAroundPath } from "./dtw.js";
import { activityPerSecond } from "./activity.js";
import { energyActivity } from "./energy-activity.js";
import type { FeatureMatrix } from "./mfcc.js";
import { normalizeFeatures, poolFeatures, withDeltas } from "./mfcc.js";

function randomFeatures(seed: number, frames: number, dims: number): FeatureMatrix {
  const random = mulberry32(seed);
  return { data: new Float32Array(frames * dims).map(() => random() * 2 - 1), frames, dims };
}

/** Each frame repeated per `repeats[t]` times — a known warp of `features`. */
function stretch(features: FeatureMatrix, repeats: number[]): FeatureMatrix {
  const rows: number[] = [];
  repeats.forEach((r, t) => {
    for (let k = 0; k < r; k++) rows.push(t);
  });
  const data = new Float32Array(rows.length * features.dims);
  rows.forEach((t, k) => data.set(features.data.subarray(t * features.dims, (t + 1) * features.dims), k * features.dims));
  return { data, frames: rows.length, dims: features.dims };
}

describe("dtw", () => {
  it("recovers a known warp exactly (zero-cost path)", () => {
    const query = randomFeatures(3, 60, 6);
    const random = mulberry32(4);
    const repeats = Array.from({ length: 60 }, () => 1 + Math.floor(random() * 3));
    const reference = stretch(query, repeats);
    const result = dtw(query, reference);
    expect(result.total).toBeCloseTo(0, 9);
    let first = 0;
    for (let j = 0; j < 60; j++) {
      const matched = [...result.reference].filter((_, k) => result.query[k] === j);
      expect(matched[0]).toBe(first);
      first += repeats[j] ?? 0;
    }
  });

  it("the corridor around a coarse path finds the same path as full DTW on a smooth warp", () => {
    const query = randomFeatures(8, 200, 4);
    const repeats = Array.from({ length: 200 }, (_, t) => (t % 3 === 0 ? 2 : 1));
    const reference = stretch(query, repeats);
    const full = dtw(query, reference, fullWindow(query.frames, reference.frames));
    const coarse = dtw(poolFeatures(query, 4), poolFeatures(reference, 4));
    const fine = dtw(query, reference, windowAroundPath(coarse, 4, query.frames, reference.frames, 8));
    expect(Array.from(fine.reference)).toEqual(Array.from(full.reference));
    expect(fine.total).toBeCloseTo(full.total, 6);
  });

  it("rejects empty input and windows without a path", () => {
    const a = randomFeatures(1, 5, 2);
    expect(() => dtw(a, { data: new Float32Array(0), frames: 0, dims: 2 })).toThrow(/non-empty/);
    expect(() => dtw(a, a, { lo: Int32Array.from([0, 4, 4, 4, 4]), hi: Int32Array.from([1, 5, 5, 5, 5]) })).toThrow(/no path/);
  });
});

describe("features", () => {
  it("normalises to zero mean and unit variance over the kept frames and appends deltas", () => {
    const f = normalizeFeatures(randomFeatures(2, 100, 3));
    let mean = 0;
    let sq = 0;
    for (let t = 0; t < 100; t++) {
      mean += f.data[t * 3] ?? 0;
      sq += (f.data[t * 3] ?? 0) ** 2;
    }
    expect(mean / 100).toBeCloseTo(0, 5);
    expect(sq / 100).toBeCloseTo(1, 4);
    const ramp: FeatureMatrix = { data: Float32Array.from({ length: 10 }, (_, t) => t), frames: 10, dims: 1 };
    const d = withDeltas(ramp);
    expect(d.dims).toBe(2);
    expect(d.data[5 * 2 + 1]).toBeCloseTo(1, 6);
  });
});

describe("energyActivity", () => {
  it("marks seconds with a long quiet run inactive, like compute_va on the silence class", () => {
    const rate = 8000;
    const samples = new Float32Array(6 * rate);
    const random = mulberry32(11);
    // Loud noise in seconds 0–1.5 and 4–6; a 2.5 s pause between.
    for (let i = 0; i < samples.length; i++) {
      const t = i / rate;
      if (t < 1.5 || t >= 4) samples[i] = (random() - 0.5) * 0.5;
    }
    expect(energyActivity(samples, rate)).toEqual([true, false, false, false, true, true]);
    // A short dip (< 1 s) does not make silence.
    samples.fill(0, 4.2 * rate, 4.7 * rate);
    expect(energyActivity(samples, rate)[4]).toBe(true);
    expect(activityPerSecond([false, false, true, false], 2)).toEqual([true, false]);
  });
});
