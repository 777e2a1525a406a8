import { Alignment } from "./alignment.js";
import { AlignTooManyTokensError } from "./errors.js";
import { type Emission, type TokenSpan, alignTokens, sliceFrames } from "./forced-align.js";
import type { G2p, TextTokens } from "./g2p.js";
import { type LrcLine, parseLrc, parseRawLyrics } from "./lrc.js";
import { BLANK_ID } from "./phone-set.js";

/** Lyrics to align: LRC text, already parsed LRC lines, or raw lyrics (one line per line). */
export type LyricsInput = { readonly lrc: string } | { readonly lrcLines: readonly LrcLine[] } | { readonly raw: string };

export interface EmissionAlignmentInput {
  /** Frame log-probabilities over the charsiu phone set (blank 0). */
  readonly emission: Emission;
  /** Seconds per emission frame (upstream: samples / (sample_rate · frames)). */
  readonly frameDuration: number;
  readonly lyrics: LyricsInput;
  readonly g2p: G2p;
}

export interface AlignmentResult {
  /**
   * The alignment to keep: LRC-guided (per-line, with `inlier_ratio` and `lrclib_offset`) for LRC
   * input, the global one for raw lyrics — what upstream's `align` step stores.
   */
  readonly alignment: Alignment;
  /** One forced alignment of all lyrics over the whole song. */
  readonly global: Alignment;
  /** LRC-guided alignment, null for raw lyrics. */
  readonly constrained: Alignment | null;
}

/** Python's `round` (half to even), which upstream's `s2frame` uses. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

export interface LyricLines {
  readonly texts: string[];
  readonly times: number[] | null;
}

export function readLyrics(lyrics: LyricsInput): LyricLines {
  if ("raw" in lyrics) return { texts: parseRawLyrics(lyrics.raw), times: null };
  const lines = "lrc" in lyrics ? parseLrc(lyrics.lrc).lines : lyrics.lrcLines;
  return { texts: lines.map((l) => l.text), times: lines.map((l) => l.time) };
}

function buildAlignment(
  spans: readonly TokenSpan[],
  frameDuration: number,
  perLine: readonly TextTokens[],
  lines: readonly string[],
  ratios: { inlier_ratio: number | null; lrclib_offset: number | null },
): Alignment {
  return Alignment.from({
    starts: spans.map((s) => frameDuration * s.start),
    ends: spans.map((s) => frameDuration * s.end),
    scores: spans.map((s) => s.score),
    tokens: perLine.flatMap((l) => l.tokens),
    words: perLine.flatMap((l) => l.words),
    lines,
    tokens_per_word: perLine.flatMap((l) => l.tokensPerWord),
    words_per_line: perLine.map((l) => l.words.length),
    ...ratios,
  });
}

/**
 * The LRC offset with the most inliers. Port of autosing/alignment.py: compute_alignment (offset
 * search): each line's offset `lrc − ours` is a candidate; lines whose LRC time minus the candidate
 * lies within 1 s of our start are inliers; the first candidate with the most inliers wins and the
 * offset is the mean difference over its inliers. Lines without tokens (NaN starts) never count.
 */
export function bestLrcOffset(lrcStarts: readonly number[], lineStarts: ArrayLike<number>): { offset: number; inlierRatio: number } | null {
  const n = Math.min(lrcStarts.length, lineStarts.length);
  let valid = 0;
  for (let i = 0; i < n; i++) if (!Number.isNaN(lineStarts[i] ?? Number.NaN)) valid++;
  let maxInliers = 0;
  let best: { offset: number; inlierRatio: number } | null = null;
  for (let i = 0; i < n; i++) {
    const ours = lineStarts[i] ?? Number.NaN;
    if (Number.isNaN(ours)) continue;
    const candidate = (lrcStarts[i] ?? 0) - ours;
    let inliers = 0;
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const theirs = lrcStarts[j] ?? 0;
      const start = lineStarts[j] ?? Number.NaN;
      if (Math.abs(theirs - candidate - start) < 1) {
        inliers++;
        sum += theirs - start;
      }
    }
    if (inliers > maxInliers) {
      maxInliers = inliers;
      best = { offset: sum / inliers, inlierRatio: inliers / valid };
    }
  }
  return best;
}

/**
 * Port of autosing/alignment.py: compute_alignment, from an emission. Raw lyrics: one forced
 * alignment of all tokens. LRC: the global alignment, then the best LRC offset by inlier count
 * (1 s tolerance), then each line aligned inside its LRC window `[start − 1, next start + 1]`
 * frames (the last line runs to the end of the audio). Throws `AlignTooManyTokensError` (upstream's
 * AlignException) when the text cannot fit, and `NoPronounceableWordsError` for lyrics without words.
 */
export function alignEmission(input: EmissionAlignmentInput): AlignmentResult {
  const { emission, frameDuration, g2p } = input;
  const { texts, times } = readLyrics(input.lyrics);
  const perLine = g2p.linesToTokens(texts);
  const allTokens = perLine.flatMap((l) => l.tokens);

  const globalSpans = alignTokens(emission, allTokens, { blank: BLANK_ID });
  const global = buildAlignment(globalSpans, frameDuration, perLine, texts, { inlier_ratio: null, lrclib_offset: null });
  if (times === null) return { alignment: global, global, constrained: null };

  const best = bestLrcOffset(times, global.lineSpans.starts);
  if (best === null) throw new AlignTooManyTokensError(allTokens.length, emission.frames);
  const toFrame = (t: number): number => roundHalfEven((t - best.offset) / frameDuration);

  const constrainedSpans: TokenSpan[] = [];
  perLine.forEach((line, i) => {
    if (line.tokens.length === 0) return;
    const lrcStart = times[i] ?? 0;
    // Upstream's end for the last line is far past the audio, i.e. the emission's end.
    const lrcEnd = times[i + 1];
    const startFrame = Math.max(0, toFrame(lrcStart) - 1);
    const endFrame = lrcEnd === undefined ? emission.frames : Math.max(0, toFrame(lrcEnd) + 1);
    const window = sliceFrames(emission, startFrame, endFrame);
    if (window.frames === 0) throw new AlignTooManyTokensError(line.tokens.length, 0);
    for (const span of alignTokens(window, line.tokens, { blank: BLANK_ID })) {
      span.start += startFrame;
      span.end += startFrame;
      constrainedSpans.push(span);
    }
  });
  const constrained = buildAlignment(constrainedSpans, frameDuration, perLine, texts, {
    inlier_ratio: best.inlierRatio,
    lrclib_offset: best.offset,
  });
  return { alignment: constrained, global, constrained };
}
