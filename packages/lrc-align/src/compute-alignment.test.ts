import { beforeAll, describe, expect, it } from "vitest";

import { peakyEmission } from "./__fixtures__/emission.js";
import type { PlacedToken } from "./__fixtures__/emission.js";
import { Alignment } from "./alignment.js";
import { alignEmission, bestLrcOffset, roundHalfEven } from "./compute-alignment.js";
import { AlignTooManyTokensError, InvalidAlignmentError, NoPronounceableWordsError } from "./errors.js";
import { G2p } from "./g2p.js";

const FRAME = 0.02; // 50 frames/s keeps the test emissions small

/** Places each line's tokens, one token per `tokenFrames` frames, starting at the given seconds. */
function placeLines(g2p: G2p, lines: { text: string; at: number }[], tokenFrames = 3): PlacedToken[] {
  const placed: PlacedToken[] = [];
  for (const line of lines) {
    let frame = Math.round(line.at / FRAME);
    for (const token of g2p.textToTokens(line.text).tokens) {
      placed.push({ token, start: frame, end: frame + tokenFrames - 1 });
      frame += tokenFrames;
    }
  }
  return placed;
}

describe("alignEmission", () => {
  let g2p: G2p;
  beforeAll(async () => {
    g2p = await G2p.create();
  });

  const song = [
    { text: "hello darkness my old friend", at: 1.0 },
    { text: "I've come to talk with you again", at: 4.0 },
    { text: "because a vision softly creeping", at: 8.0 },
    { text: "left its seeds while I was sleeping", at: 12.0 },
  ];

  it("aligns raw lyrics globally and recovers word starts", () => {
    const placed = placeLines(g2p, song);
    const emission = peakyEmission(Math.round(16 / FRAME), 42, placed);
    const { alignment, global, constrained } = alignEmission({
      emission,
      frameDuration: FRAME,
      lyrics: { raw: song.map((l) => l.text).join("\n") },
      g2p,
    });
    expect(constrained).toBeNull();
    expect(alignment).toBe(global);
    expect(alignment.tokens.length).toBe(placed.length);
    expect(Array.from(alignment.starts)).toEqual(placed.map((p) => expect.closeTo(p.start * FRAME, 9)));
    expect(Array.from(alignment.lineSpans.starts)).toEqual(song.map((l) => expect.closeTo(l.at, 9)));
    expect(alignment.inlierRatio).toBeNull();
    expect(alignment.words.slice(0, 2)).toEqual(["hello", "darkness"]);
  });

  it("finds the LRC offset, aligns per line in the LRC window and reports inlier_ratio", () => {
    const placed = placeLines(g2p, song);
    const emission = peakyEmission(Math.round(16 / FRAME), 42, placed);
    // The LRC is 2.5 s late, and its third line is off by a further 3 s (an outlier).
    const stamps = song.map((l, i) => l.at + 2.5 + (i === 2 ? 3 : 0));
    const lrc = ["[ar:Someone]", ...song.map((l, i) => `[${formatStamp(stamps[i] ?? 0)}]${l.text}`), "[00:18.00]"].join("\r\n");
    const { alignment, global } = alignEmission({ emission, frameDuration: FRAME, lyrics: { lrc }, g2p });
    expect(alignment.lrclibOffset).toBeCloseTo(2.5, 6);
    expect(alignment.inlierRatio).toBeCloseTo(3 / 4, 12);
    expect(global.lrclibOffset).toBeNull();
    expect(alignment.lines).toEqual([...song.map((l) => l.text), ""]);
    expect(Array.from(alignment.wordsPerLine)).toEqual([5, 7, 5, 7, 0]);
    // Lines 0, 1 and 3 lie inside their windows and are recovered exactly.
    const lineStarts = Array.from(alignment.lineSpans.starts);
    for (const i of [0, 1, 3]) expect(lineStarts[i]).toBeCloseTo(song[i]?.at ?? 0, 9);
    expect(Number.isNaN(lineStarts[4])).toBe(true);
  });

  it("throws upstream's AlignException case when the text cannot fit, and for wordless lyrics", () => {
    const emission = peakyEmission(10, 42, []);
    expect(() => alignEmission({ emission, frameDuration: FRAME, lyrics: { raw: song.map((l) => l.text).join("\n") }, g2p })).toThrow(
      AlignTooManyTokensError,
    );
    expect(() => alignEmission({ emission, frameDuration: FRAME, lyrics: { raw: "...\n!!" }, g2p })).toThrow(NoPronounceableWordsError);
  });
});

function formatStamp(seconds: number): string {
  const m = Math.floor(seconds / 60);
  const s = seconds - 60 * m;
  return `${String(m).padStart(2, "0")}:${s.toFixed(2).padStart(5, "0")}`;
}

describe("bestLrcOffset", () => {
  it("takes the first candidate with the most inliers and averages over them", () => {
    const ours = [1, 5, Number.NaN, 9, 20];
    const lrc = [3, 7.2, 8, 10.8, 30];
    const best = bestLrcOffset(lrc, ours);
    expect(best?.offset).toBeCloseTo((2 + 2.2 + 1.8) / 3, 12);
    expect(best?.inlierRatio).toBeCloseTo(3 / 4, 12);
  });

  it("rounds half to even like Python", () => {
    expect([0.5, 1.5, 2.5, -0.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([0, 2, 2, 0, 2, 3]);
  });
});

describe("Alignment", () => {
  const struct = {
    starts: [0.1, 0.3, 0.6, 1.2, 1.5],
    ends: [0.2, 0.5, 0.9, 1.4, 1.8],
    scores: [-0.1, -0.2, -0.3, -0.4, -0.5],
    tokens: BigInt64Array.from([15n, 25n, 32n, 19n, 14n]),
    words: ["hel", "lo", "we"],
    lines: ["hel lo", "we"],
    tokens_per_word: [2, 1, 2],
    words_per_line: [2, 1],
    inlier_ratio: null,
    lrclib_offset: 0.25,
  };

  it("derives word and line spans, cover, and slices like upstream", () => {
    const alignment = Alignment.fromParquet(struct);
    expect(Array.from(alignment.wordSpans.starts)).toEqual([0.1, 0.6, 1.2]);
    expect(Array.from(alignment.wordSpans.durations).map((d) => Number(d.toFixed(9)))).toEqual([0.4, 0.3, 0.6]);
    expect(Array.from(alignment.lineSpans.starts)).toEqual([0.1, 1.2]);
    expect(alignment.cover()).toBeCloseTo(1.3, 12);
    const sliced = alignment.slice(0.25, 1.6, true);
    expect(sliced.words).toEqual(["", "lo", ""]);
    // Lines are regrouped by kept words, so a line keeps its text while all its words keep a token.
    expect(sliced.lines).toEqual(["hel lo", "we"]);
    expect(Array.from(sliced.tokensPerWord)).toEqual([1, 1, 1]);
    expect(sliced.starts[0]).toBeCloseTo(0.05, 12);
    expect(sliced.lrclibOffset).toBe(0.25);
    expect(alignment.timedWords()[2]).toEqual({ text: "we", start: 1.2, end: expect.closeTo(1.8, 12) });
  });

  it("round-trips losslessly through the Parquet struct and JSON", () => {
    const alignment = Alignment.fromParquet(struct);
    const again = Alignment.fromParquet(alignment.toParquet());
    expect(again.toJSON()).toEqual(alignment.toJSON());
    expect(Alignment.fromParquet(JSON.parse(JSON.stringify(alignment.toJSON())))).toEqual(alignment);
    expect(alignment.toJSON()["tokens"]).toEqual([15, 25, 32, 19, 14]);
  });

  it("rejects structs whose arrays disagree", () => {
    expect(() => Alignment.fromParquet({ ...struct, ends: [1] })).toThrow(InvalidAlignmentError);
    expect(() => Alignment.fromParquet({ ...struct, tokens_per_word: [9] })).toThrow(InvalidAlignmentError);
    expect(() => Alignment.fromParquet(null)).toThrow(InvalidAlignmentError);
  });
});
