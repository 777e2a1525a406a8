/**
 * The alignment struct of DESIGN.md §4 as a plain typed record, and the pure functions upstream
 * defines on it (Port of autosing/alignment.py: class Alignment).
 *
 * Field names are the upstream dataclass's, so the record is exactly what a row's `alignment`
 * column holds in `alignment.parquet`, `chunked.parquet` and `main.parquet`. Times are seconds
 * in float64 — upstream's numpy arrays are float64, and keeping the width makes `slice` and
 * `cover` agree with upstream to the last bit. Word and line spans are derived, never stored.
 */
import { AlignmentShapeError } from "./errors.js";

/** Numeric input accepted by the alignment functions (what a caller may already hold). */
export type NumberArrayLike = Float64Array | Float32Array | Int32Array | BigInt64Array | readonly number[];

/** One row's alignment: one entry per phone token, grouped into words, words grouped into lines. */
export interface AlignmentRecord {
  /** Start of each token, seconds. */
  readonly starts: Float64Array;
  /** End of each token, seconds. */
  readonly ends: Float64Array;
  /** Score of each token (CTC log-probability mass of its span). */
  readonly scores: Float64Array;
  /** Phone id of each token (the frame classifier's vocabulary). */
  readonly tokens: Int32Array;
  /** The words, in order; `""` marks a word blanked by a partial slice. */
  readonly words: readonly string[];
  /** The lyric lines, in order. */
  readonly lines: readonly string[];
  /** How many consecutive tokens each word owns. */
  readonly tokens_per_word: Int32Array;
  /** How many consecutive words each line owns. */
  readonly words_per_line: Int32Array;
  /** Share of LRC line starts that agree with the global alignment (LRC-guided alignments only). */
  readonly inlier_ratio: number | null;
  /** Offset in seconds between LRC times and the audio (LRC-guided alignments only). */
  readonly lrclib_offset: number | null;
}

/** Loose input form of {@link AlignmentRecord}: any numeric arrays, optional nullable floats. */
export interface AlignmentInit {
  readonly starts: NumberArrayLike;
  readonly ends: NumberArrayLike;
  readonly scores: NumberArrayLike;
  readonly tokens: NumberArrayLike;
  readonly words: readonly string[];
  readonly lines: readonly string[];
  readonly tokens_per_word: NumberArrayLike;
  readonly words_per_line: NumberArrayLike;
  readonly inlier_ratio?: number | null;
  readonly lrclib_offset?: number | null;
}

/** Spans of words or lines: `starts[i]` and `durations[i]` in seconds, NaN for an empty group. */
export interface AlignmentSpans {
  readonly starts: Float64Array;
  readonly durations: Float64Array;
}

function toFloat64(values: NumberArrayLike): Float64Array {
  if (values instanceof Float64Array) return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = Number(values[i]);
  return out;
}

function toInt32(values: NumberArrayLike, field: string): Int32Array {
  if (values instanceof Int32Array) return values;
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i += 1) {
    const value = Number(values[i]);
    if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
      throw new AlignmentShapeError(field, `entry ${i} is ${String(values[i])}, expected a 32-bit integer`);
    }
    out[i] = value;
  }
  return out;
}

/**
 * Builds an {@link AlignmentRecord} from loose arrays (number[], Float32Array, BigInt64Array as
 * Parquet int64 lists decode) and checks that the parallel arrays agree.
 */
export function makeAlignment(init: AlignmentInit): AlignmentRecord {
  const record: AlignmentRecord = {
    starts: toFloat64(init.starts),
    ends: toFloat64(init.ends),
    scores: toFloat64(init.scores),
    tokens: toInt32(init.tokens, "tokens"),
    words: init.words,
    lines: init.lines,
    tokens_per_word: toInt32(init.tokens_per_word, "tokens_per_word"),
    words_per_line: toInt32(init.words_per_line, "words_per_line"),
    inlier_ratio: init.inlier_ratio ?? null,
    lrclib_offset: init.lrclib_offset ?? null,
  };
  validateAlignment(record);
  return record;
}

/**
 * Checks the invariants upstream relies on: one start, end, score and token per token; no
 * negative group sizes; words claim no more tokens than exist (numpy raises IndexError there).
 */
export function validateAlignment(record: AlignmentRecord): void {
  const n = record.starts.length;
  for (const field of ["ends", "scores", "tokens"] as const) {
    if (record[field].length !== n) {
      throw new AlignmentShapeError(field, `has ${record[field].length} entries but starts has ${n}`);
    }
  }
  let claimed = 0;
  record.tokens_per_word.forEach((count, i) => {
    if (count < 0) throw new AlignmentShapeError("tokens_per_word", `entry ${i} is negative (${count})`);
    claimed += count;
  });
  if (claimed > n) {
    throw new AlignmentShapeError("tokens_per_word", `words claim ${claimed} tokens but there are ${n}`);
  }
  record.words_per_line.forEach((count, i) => {
    if (count < 0) throw new AlignmentShapeError("words_per_line", `entry ${i} is negative (${count})`);
  });
}

/**
 * Port of autosing/alignment.py: Alignment.sub_spans — start and duration of each group of
 * consecutive tokens; a group with no token gets NaN for both.
 */
function groupSpans(record: AlignmentRecord, tokensPerGroup: ArrayLike<number>, field: string): AlignmentSpans {
  const count = tokensPerGroup.length;
  const starts = new Float64Array(count);
  const durations = new Float64Array(count);
  let first = 0;
  for (let i = 0; i < count; i += 1) {
    const size = tokensPerGroup[i] ?? 0;
    const last = first + size;
    if (last > record.starts.length || size < 0) {
      throw new AlignmentShapeError(field, `groups claim ${last} tokens but there are ${record.starts.length}`);
    }
    if (size === 0) {
      starts[i] = Number.NaN;
      durations[i] = Number.NaN;
    } else {
      const start = record.starts[first] ?? Number.NaN;
      starts[i] = start;
      durations[i] = (record.ends[last - 1] ?? Number.NaN) - start;
    }
    first = last;
  }
  return { starts, durations };
}

/** Port of autosing/alignment.py: Alignment.__post_init__ (word_spans). */
export function alignmentWordSpans(record: AlignmentRecord): AlignmentSpans {
  return groupSpans(record, record.tokens_per_word, "tokens_per_word");
}

/**
 * Port of autosing/alignment.py: Alignment.__post_init__ (line_spans) — a line owns the tokens of
 * its words; word counts past the end of `tokens_per_word` are clipped as Python slicing does.
 */
export function alignmentLineSpans(record: AlignmentRecord): AlignmentSpans {
  const tokensPerLine = new Array<number>(record.words_per_line.length);
  let word = 0;
  record.words_per_line.forEach((wordCount, line) => {
    let tokens = 0;
    const stop = Math.min(word + wordCount, record.tokens_per_word.length);
    for (let w = word; w < stop; w += 1) tokens += record.tokens_per_word[w] ?? 0;
    tokensPerLine[line] = tokens;
    word += wordCount;
  });
  return groupSpans(record, tokensPerLine, "words_per_line");
}

/**
 * numpy's pairwise summation of a contiguous float64 array (numpy/_core/src/umath/loops_utils.h:
 * pairwise_sum), so `cover` equals upstream's `ndarray.sum()` bit for bit, not just closely.
 */
export function numpyPairwiseSum(values: ArrayLike<number>, offset = 0, length = values.length - offset): number {
  const at = (i: number): number => values[offset + i] ?? 0;
  if (length < 8) {
    let sum = 0;
    for (let i = 0; i < length; i += 1) sum += at(i);
    return sum;
  }
  if (length <= 128) {
    const r = [at(0), at(1), at(2), at(3), at(4), at(5), at(6), at(7)] as [
      number, number, number, number, number, number, number, number,
    ];
    let i = 8;
    for (; i < length - (length % 8); i += 8) {
      r[0] += at(i);
      r[1] += at(i + 1);
      r[2] += at(i + 2);
      r[3] += at(i + 3);
      r[4] += at(i + 4);
      r[5] += at(i + 5);
      r[6] += at(i + 6);
      r[7] += at(i + 7);
    }
    let sum = r[0] + r[1] + (r[2] + r[3]) + (r[4] + r[5] + (r[6] + r[7]));
    for (; i < length; i += 1) sum += at(i);
    return sum;
  }
  let half = Math.floor(length / 2);
  half -= half % 8;
  return numpyPairwiseSum(values, offset, half) + numpyPairwiseSum(values, offset + half, length - half);
}

/**
 * Port of autosing/alignment.py: Alignment.cover — total seconds covered by words (the sum of
 * word durations). As upstream, a word with no token makes the cover NaN, and NaN compares false
 * against every threshold.
 */
export function alignmentCover(record: AlignmentRecord): number {
  // numpy's add.reduce starts from the identity 0 and adds the pairwise sum of the whole array.
  return 0 + numpyPairwiseSum(alignmentWordSpans(record).durations);
}

interface Regrouped {
  readonly items: string[];
  readonly counts: number[];
  readonly kept: number[];
}

/**
 * Port of autosing/alignment.py: Alignment.slice.slice_grouping — keeps each group that has at
 * least one selected member, with its count reduced to the selected members; with
 * `blankPartial`, a group that lost members keeps its place but its text becomes "".
 */
function regroup(
  items: readonly string[],
  counts: Int32Array,
  selected: ArrayLike<boolean>,
  blankPartial: boolean,
): Regrouped {
  const out: Regrouped = { items: [], counts: [], kept: [] };
  // zip() stops at the shorter of the two sequences.
  const groups = Math.min(items.length, counts.length);
  let member = 0;
  for (let i = 0; i < groups; i += 1) {
    const count = counts[i] ?? 0;
    let overlap = 0;
    const stop = Math.min(member + count, selected.length);
    for (let m = member; m < stop; m += 1) if (selected[m] === true) overlap += 1;
    member += count;
    if (overlap === 0) continue;
    const blank = blankPartial && overlap !== count;
    out.items.push(blank ? "" : (items[i] ?? ""));
    out.counts.push(overlap);
    out.kept.push(i);
  }
  return out;
}

/**
 * Port of autosing/alignment.py: Alignment.slice — the part of the alignment strictly inside
 * (start, end): keeps tokens with `start < token.start` and `token.end < end`, shifts their times
 * by `-start`, keeps the words and lines that still own a token (with reduced counts), and with
 * `blankPartial` blanks the text of words and lines that lost part of their tokens/words.
 * `inlier_ratio` and `lrclib_offset` are carried over. The input is not modified.
 */
export function sliceAlignment(record: AlignmentRecord, start: number, end: number, blankPartial = false): AlignmentRecord {
  const n = record.starts.length;
  const inside = new Array<boolean>(n);
  let kept = 0;
  for (let i = 0; i < n; i += 1) {
    const keep = start < (record.starts[i] ?? Number.NaN) && (record.ends[i] ?? Number.NaN) < end;
    inside[i] = keep;
    if (keep) kept += 1;
  }
  const starts = new Float64Array(kept);
  const ends = new Float64Array(kept);
  const scores = new Float64Array(kept);
  const tokens = new Int32Array(kept);
  let j = 0;
  for (let i = 0; i < n; i += 1) {
    if (!inside[i]) continue;
    starts[j] = (record.starts[i] ?? 0) - start;
    ends[j] = (record.ends[i] ?? 0) - start;
    scores[j] = record.scores[i] ?? 0;
    tokens[j] = record.tokens[i] ?? 0;
    j += 1;
  }

  const words = regroup(record.words, record.tokens_per_word, inside, blankPartial);
  const wordKept = new Array<boolean>(record.words.length).fill(false);
  for (const w of words.kept) wordKept[w] = true;
  const lines = regroup(record.lines, record.words_per_line, wordKept, blankPartial);

  return {
    starts,
    ends,
    scores,
    tokens,
    words: words.items,
    lines: lines.items,
    tokens_per_word: Int32Array.from(words.counts),
    words_per_line: Int32Array.from(lines.counts),
    inlier_ratio: record.inlier_ratio,
    lrclib_offset: record.lrclib_offset,
  };
}
