import {
  type AlignmentInit,
  type AlignmentRecord,
  type AlignmentSpans,
  AlignmentShapeError,
  alignmentCover,
  alignmentLineSpans,
  alignmentWordSpans,
  makeAlignment,
  sliceAlignment,
} from "@autosing/parquet-io";

import { InvalidAlignmentError } from "./errors.js";

/** A word or line with its time span in seconds (NaN for a group without tokens). */
export interface TimedSpan {
  readonly text: string;
  readonly start: number;
  readonly end: number;
}

/**
 * The alignment of lyrics to a song (upstream autosing/alignment.py: class Alignment): phone
 * tokens with start/end/score, grouped into words, words into lines. A thin wrapper over the
 * plain `AlignmentRecord` of `@autosing/parquet-io`, whose pure functions do the slicing and span
 * arithmetic, so the value written to Parquet is exactly `toParquet()` and reading it back with
 * `fromParquet()` is lossless.
 */
export class Alignment {
  readonly record: AlignmentRecord;
  private wordSpansCache: AlignmentSpans | undefined;
  private lineSpansCache: AlignmentSpans | undefined;

  private constructor(record: AlignmentRecord) {
    this.record = record;
  }

  /** Builds and validates an alignment from loose arrays (numbers, typed arrays, BigInt64Array). */
  static from(init: AlignmentInit): Alignment {
    try {
      return new Alignment(makeAlignment(init));
    } catch (error) {
      if (AlignmentShapeError.isInstance(error)) throw new InvalidAlignmentError(error.message, { cause: error });
      throw error;
    }
  }

  /**
   * Reads the Parquet struct of DESIGN.md §4 (field names as upstream's dataclass); lists may arrive
   * as arrays, typed arrays or BigInt64Array, the two ratios as null.
   */
  static fromParquet(struct: unknown): Alignment {
    if (typeof struct !== "object" || struct === null) {
      throw new InvalidAlignmentError(`alignment struct must be an object, got ${struct === null ? "null" : typeof struct}`);
    }
    const s = struct as Record<string, unknown>;
    const list = (field: string): AlignmentInit["starts"] => {
      const value = s[field];
      if (Array.isArray(value) || ArrayBuffer.isView(value)) return value as AlignmentInit["starts"];
      throw new InvalidAlignmentError(`alignment field ${field} must be a list, got ${JSON.stringify(value)}`);
    };
    const strings = (field: string): string[] => {
      const value = s[field];
      if (Array.isArray(value) && value.every((v) => typeof v === "string")) return value as string[];
      throw new InvalidAlignmentError(`alignment field ${field} must be a list of strings`);
    };
    const nullableFloat = (field: string): number | null => {
      const value = s[field];
      if (value === null || value === undefined) return null;
      if (typeof value === "number") return value;
      throw new InvalidAlignmentError(`alignment field ${field} must be a float or null, got ${JSON.stringify(value)}`);
    };
    return Alignment.from({
      starts: list("starts"),
      ends: list("ends"),
      scores: list("scores"),
      tokens: list("tokens"),
      words: strings("words"),
      lines: strings("lines"),
      tokens_per_word: list("tokens_per_word"),
      words_per_line: list("words_per_line"),
      inlier_ratio: nullableFloat("inlier_ratio"),
      lrclib_offset: nullableFloat("lrclib_offset"),
    });
  }

  /** The Parquet struct (the record itself: float64 times/scores, int32 ids and counts). */
  toParquet(): AlignmentRecord {
    return this.record;
  }

  get starts(): Float64Array {
    return this.record.starts;
  }
  get ends(): Float64Array {
    return this.record.ends;
  }
  get scores(): Float64Array {
    return this.record.scores;
  }
  get tokens(): Int32Array {
    return this.record.tokens;
  }
  get words(): readonly string[] {
    return this.record.words;
  }
  get lines(): readonly string[] {
    return this.record.lines;
  }
  get tokensPerWord(): Int32Array {
    return this.record.tokens_per_word;
  }
  get wordsPerLine(): Int32Array {
    return this.record.words_per_line;
  }
  get inlierRatio(): number | null {
    return this.record.inlier_ratio;
  }
  get lrclibOffset(): number | null {
    return this.record.lrclib_offset;
  }

  /** Start and duration of each word (upstream `word_spans`), NaN for a word without tokens. */
  get wordSpans(): AlignmentSpans {
    this.wordSpansCache ??= alignmentWordSpans(this.record);
    return this.wordSpansCache;
  }

  /** Start and duration of each line (upstream `line_spans`), NaN for a line without tokens. */
  get lineSpans(): AlignmentSpans {
    this.lineSpansCache ??= alignmentLineSpans(this.record);
    return this.lineSpansCache;
  }

  /** Seconds covered by words (upstream `cover()`). */
  cover(): number {
    return alignmentCover(this.record);
  }

  /** Upstream `slice(start, end, blank_partial)`: tokens strictly inside, times shifted by `-start`. */
  slice(start: number, end: number, blankPartial = false): Alignment {
    return new Alignment(sliceAlignment(this.record, start, end, blankPartial));
  }

  /** Words with start and end times. */
  timedWords(): TimedSpan[] {
    return timed(this.record.words, this.wordSpans);
  }

  /** Lines with start and end times. */
  timedLines(): TimedSpan[] {
    return timed(this.record.lines, this.lineSpans);
  }

  /** Plain JSON (arrays, null ratios) for printing or HTTP. */
  toJSON(): Record<string, unknown> {
    const r = this.record;
    return {
      starts: Array.from(r.starts),
      ends: Array.from(r.ends),
      scores: Array.from(r.scores),
      tokens: Array.from(r.tokens),
      words: [...r.words],
      lines: [...r.lines],
      tokens_per_word: Array.from(r.tokens_per_word),
      words_per_line: Array.from(r.words_per_line),
      inlier_ratio: r.inlier_ratio,
      lrclib_offset: r.lrclib_offset,
    };
  }
}

function timed(texts: readonly string[], spans: AlignmentSpans): TimedSpan[] {
  return texts.map((text, i) => {
    const start = spans.starts[i] ?? Number.NaN;
    return { text, start, end: start + (spans.durations[i] ?? Number.NaN) };
  });
}
