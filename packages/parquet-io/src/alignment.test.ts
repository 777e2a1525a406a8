import { describe, expect, it } from "vitest";

import {
  alignmentCover,
  alignmentLineSpans,
  alignmentWordSpans,
  makeAlignment,
  numpyPairwiseSum,
  sliceAlignment,
} from "./alignment.js";
import { AlignmentShapeError, ParquetIoError } from "./errors.js";

// Six tokens, three words ("hello" 2 tokens, "big" 3, "world" 1), two lines (2 words, 1 word).
const record = makeAlignment({
  starts: [0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
  ends: [0.9, 1.4, 1.9, 2.4, 2.9, 3.4],
  scores: [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6],
  tokens: [5, 6, 7, 8, 9, 10],
  words: ["hello", "big", "world"],
  lines: ["hello big", "world"],
  tokens_per_word: [2, 3, 1],
  words_per_line: [2, 1],
  inlier_ratio: 0.75,
  lrclib_offset: -0.25,
});

describe("alignment spans (Alignment.sub_spans)", () => {
  it("derives word spans as (first start, last end - first start)", () => {
    const spans = alignmentWordSpans(record);
    expect(spans.starts).toBeInstanceOf(Float64Array);
    expect(Array.from(spans.starts)).toEqual([0.5, 1.5, 3.0]);
    // float64 subtraction exactly as numpy does it: ends[last] - starts[first]
    expect(Array.from(spans.durations)).toEqual([1.4 - 0.5, 2.9 - 1.5, 3.4 - 3.0]);
  });

  it("derives line spans from the tokens of each line's words", () => {
    const spans = alignmentLineSpans(record);
    expect(Array.from(spans.starts)).toEqual([0.5, 3.0]);
    expect(Array.from(spans.durations)).toEqual([2.9 - 0.5, 3.4 - 3.0]);
  });

  it("gives NaN spans to a word with no token, which makes the cover NaN as upstream", () => {
    const withEmpty = makeAlignment({ ...record, words: ["hello", "", "big", "world"], tokens_per_word: [2, 0, 3, 1], words_per_line: [3, 1] });
    const spans = alignmentWordSpans(withEmpty);
    expect(Array.from(spans.starts)).toEqual([0.5, Number.NaN, 1.5, 3.0]);
    expect(Number.isNaN(alignmentCover(withEmpty))).toBe(true);
  });

  it("covers the sum of word durations, summed left to right below 8 words", () => {
    expect(alignmentCover(record)).toBe(0 + (1.4 - 0.5) + (2.9 - 1.5) + (3.4 - 3.0));
  });

  it("matches numpy's ndarray.sum() for 200 words (checked with numpy 2.4: 28.94699999999999)", () => {
    const starts = Array.from({ length: 400 }, (_, i) => i * 0.075 + (i % 7) * 0.001);
    const ends = starts.map((start, i) => start + 0.01 * ((i % 13) + 1));
    const many = makeAlignment({
      starts,
      ends,
      scores: new Array<number>(400).fill(0),
      tokens: new Array<number>(400).fill(1),
      words: new Array<string>(200).fill("w"),
      lines: ["all"],
      tokens_per_word: new Array<number>(200).fill(2),
      words_per_line: [200],
    });
    expect(alignmentCover(many)).toBe(28.94699999999999);
    // a left-to-right sum differs in the last bit, which is why cover ports numpy's summation
    expect(Array.from(alignmentWordSpans(many).durations).reduce((a, b) => a + b, 0)).toBe(28.946999999999992);
  });

  it("has zero cover and no spans without words", () => {
    const empty = makeAlignment({ starts: [], ends: [], scores: [], tokens: [], words: [], lines: [], tokens_per_word: [], words_per_line: [] });
    expect(alignmentCover(empty)).toBe(0);
    expect(alignmentLineSpans(empty).starts.length).toBe(0);
  });
});

describe("numpyPairwiseSum", () => {
  it("uses 8 accumulators from 8 values on, as numpy's pairwise_sum (np.sum([1e16] + [1.0]*15) == 1e16 + 14)", () => {
    const values = [1e16, ...new Array<number>(15).fill(1)];
    expect(numpyPairwiseSum(values)).toBe(1e16 + 14);
    // A naive left-to-right sum loses every 1 (ties round to even at 1e16).
    expect(values.reduce((a, b) => a + b, 0)).toBe(1e16);
  });

  it("splits above 128 values at a multiple of 8 near the middle", () => {
    // 130 values: halves of 64 and 66; each half is summed with the 8-accumulator kernel.
    const values = [1e16, ...new Array<number>(63).fill(1), 1e16, ...new Array<number>(65).fill(1)];
    const firstHalf = numpyPairwiseSum(values, 0, 64);
    const secondHalf = numpyPairwiseSum(values, 64, 66);
    expect(numpyPairwiseSum(values)).toBe(firstHalf + secondHalf);
    // first half: r0 = 1e16 + 7 ones (each lost), r1..r7 = 8 each -> 1e16 + 56
    expect(firstHalf).toBe(1e16 + 56);
  });
});

describe("sliceAlignment (Alignment.slice)", () => {
  it("keeps tokens strictly inside, shifts times and regroups words and lines", () => {
    const sliced = sliceAlignment(record, 1.2, 3.0);
    // token 1 starts at 1.0 (not > 1.2), token 5 starts at 3.0 and ends at 3.4 (not < 3.0)
    expect(Array.from(sliced.starts)).toEqual([1.5 - 1.2, 2.0 - 1.2, 2.5 - 1.2]);
    expect(Array.from(sliced.ends)).toEqual([1.9 - 1.2, 2.4 - 1.2, 2.9 - 1.2]);
    expect(Array.from(sliced.scores)).toEqual([-0.3, -0.4, -0.5]);
    expect(Array.from(sliced.tokens)).toEqual([7, 8, 9]);
    expect(sliced.words).toEqual(["big"]);
    expect(Array.from(sliced.tokens_per_word)).toEqual([3]);
    // the first line lost "hello" but keeps its text without blankPartial
    expect(sliced.lines).toEqual(["hello big"]);
    expect(Array.from(sliced.words_per_line)).toEqual([1]);
    expect(sliced.inlier_ratio).toBe(0.75);
    expect(sliced.lrclib_offset).toBe(-0.25);
    // the input is untouched
    expect(record.starts.length).toBe(6);
  });

  it("blanks partially kept words and lines with blankPartial", () => {
    const sliced = sliceAlignment(record, 1.2, 2.45, true);
    expect(Array.from(sliced.tokens)).toEqual([7, 8]);
    expect(sliced.words).toEqual([""]);
    expect(Array.from(sliced.tokens_per_word)).toEqual([2]);
    expect(sliced.lines).toEqual([""]);
    expect(Array.from(sliced.words_per_line)).toEqual([1]);
  });

  it("keeps full words' text under blankPartial and treats the bounds as strict", () => {
    const sliced = sliceAlignment(record, 0.4, 3.5, true);
    expect(sliced.words).toEqual(["hello", "big", "world"]);
    expect(sliced.lines).toEqual(["hello big", "world"]);
    const none = sliceAlignment(record, 0.5, 0.9);
    expect(none.starts.length).toBe(0);
    expect(none.words).toEqual([]);
    expect(alignmentCover(none)).toBe(0);
  });

  it("computes the cover of a 15 s half as construct-dataset filters it", () => {
    const long = makeAlignment({
      starts: [1, 4, 14.5, 16, 20],
      ends: [3, 12, 15.5, 19, 29],
      scores: [0, 0, 0, 0, 0],
      tokens: [1, 2, 3, 4, 5],
      words: ["a", "b", "c", "d"],
      lines: ["a b", "c d"],
      tokens_per_word: [1, 2, 1, 1],
      words_per_line: [2, 2],
    });
    const left = sliceAlignment(long, 0, 15);
    expect(left.words).toEqual(["a", "b"]);
    expect(Array.from(left.tokens_per_word)).toEqual([1, 1]);
    expect(alignmentCover(left)).toBe(0 + 2 + 8);
    const right = sliceAlignment(long, 15, 30);
    expect(right.words).toEqual(["c", "d"]);
    expect(Array.from(right.starts)).toEqual([1, 5]);
    expect(alignmentCover(right)).toBe(0 + 3 + 9);
  });
});

describe("makeAlignment", () => {
  it("converts number[], Float32Array and BigInt64Array input", () => {
    const converted = makeAlignment({
      ...record,
      starts: Float32Array.from([0.5, 1, 1.5, 2, 2.5, 3]),
      tokens: BigInt64Array.from([5n, 6n, 7n, 8n, 9n, 10n]),
    });
    expect(converted.starts).toBeInstanceOf(Float64Array);
    expect(converted.tokens).toBeInstanceOf(Int32Array);
    expect(Array.from(converted.tokens)).toEqual([5, 6, 7, 8, 9, 10]);
  });

  it("rejects parallel arrays of different lengths and over-claimed tokens, naming the field", () => {
    expect(() => makeAlignment({ ...record, ends: [1] })).toThrow(/alignment\.ends: has 1 entries but starts has 6/);
    const error = (() => {
      try {
        makeAlignment({ ...record, tokens_per_word: [2, 3, 2] });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(AlignmentShapeError);
    expect(ParquetIoError.isInstance(error)).toBe(true);
    expect(String(error)).toMatch(/tokens_per_word: words claim 7 tokens but there are 6/);
    expect(() => makeAlignment({ ...record, tokens: [1, 2, 3, 4, 5, 0.5] })).toThrow(/tokens: entry 5 is 0.5/);
  });
});
