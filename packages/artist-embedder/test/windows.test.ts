import { unflattenSnac } from "@autosing/audio-codec";
import { Xoshiro128 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { ArtistEmbedderInputError, trainingWindows } from "../src/index.js";
import { randomDenseWindows } from "./helpers.js";

describe("trainingWindows (EmbeddingDataset chunking)", () => {
  it("cuts consecutive chunk_size windows, drops the partial tail, flattens each", () => {
    const t = 40;
    const dense = randomDenseWindows(Xoshiro128.fromWord(3), 1, t, 50);
    const windows = trainingWindows({ data: dense, shape: [4, t] }, 16);
    expect(windows.map((w) => w.offset)).toEqual([0, 16]);
    for (const { offset, flattened } of windows) {
      expect(flattened.shape).toEqual([15, 2]);
      const back = unflattenSnac(flattened);
      for (let level = 0; level < 4; level++) {
        expect(Array.from(back.data.subarray(level * 16, (level + 1) * 16))).toEqual(Array.from(dense.subarray(level * t + offset, level * t + offset + 16)));
      }
    }
    // Row 0 of the flattened layout is level 0 (one code per 8 frames), row 14 level 3 phase 7.
    expect(windows[1]?.flattened.data[0]).toBe(dense[16]);
    expect(windows[1]?.flattened.data[14 * 2 + 1]).toBe(dense[3 * t + 16 + 8 + 7]);
    expect(trainingWindows({ data: dense.subarray(0, 4 * 8), shape: [4, 8] }, 16)).toEqual([]);
    expect(() => trainingWindows({ data: dense, shape: [4, t] }, 12)).toThrow(ArtistEmbedderInputError);
    expect(() => trainingWindows({ data: dense, shape: [8, t / 2] }, 16)).toThrow(/must be \[4, T\]/);
  });
});
