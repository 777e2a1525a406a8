import { Mulberry32 } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { ARTISTS } from "./artists.js";
import { lineMelody, lineRhythm } from "./compose.js";
import { scaleNotes, triad } from "./music.js";

describe("lineRhythm", () => {
  it("fits every syllable in the line on an eighth grid, leaving at most a short breath", () => {
    const rng = new Mulberry32(3);
    for (let count = 1; count <= 14; count++) {
      const lengths = lineRhythm(rng, count, 7);
      expect(lengths).toHaveLength(count);
      const total = lengths.reduce((a, b) => a + b, 0);
      expect(total).toBeLessThanOrEqual(7);
      expect(total).toBeGreaterThanOrEqual(6);
      for (const l of lengths) expect((l * 2) % 1).toBe(0);
    }
  });

  it("falls back to sixteenths when eighths do not fit, and refuses what cannot fit", () => {
    const lengths = lineRhythm(new Mulberry32(1), 8, 2.5);
    expect(lengths.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(2.5);
    expect(lengths.some((l) => l === 0.25)).toBe(true);
    expect(() => lineRhythm(new Mulberry32(1), 11, 2.5)).toThrow(RangeError);
  });
});

describe("lineMelody", () => {
  it("stays in the artist's range and key, with chord tones on the beats", () => {
    const key = { tonic: 2, mode: "major" as const };
    const artist = ARTISTS[0]!;
    const onsets = [4, 4.5, 5, 5.5, 6, 7, 8, 9.5];
    const chordAt = (beat: number): number => [0, 4, 5, 3][Math.floor(beat / 4) % 4]!;
    const melody = lineMelody(new Mulberry32(9), key, artist, onsets, chordAt, undefined);
    const scale = new Set(scaleNotes(key, 0, 127));
    melody.forEach((midi, i) => {
      expect(midi).toBeGreaterThanOrEqual(artist.range[0]);
      expect(midi).toBeLessThanOrEqual(artist.range[1]);
      expect(scale.has(midi)).toBe(true);
      const beat = onsets[i]!;
      if (Number.isInteger(beat)) expect(triad(key, chordAt(beat))).toContain(midi % 12);
    });
  });
});
