import { resample } from "@autosing/audio-codec";
import { arpabetTimeline, synthesize } from "@autosing/espeak";

import { Alignment } from "./alignment.js";
import { type AlignmentResult, type LyricsInput, bestLrcOffset, readLyrics } from "./compute-alignment.js";
import { type DtwResult, dtw, fullWindow, windowAroundPath } from "./dtw.js";
import { quietFrames } from "./energy-activity.js";
import { AlignTooManyTokensError, SilentAudioError } from "./errors.js";
import { snapWordStartsPastPauses } from "./pause-snap.js";
import type { G2p, TextTokens } from "./g2p.js";
import { type FeatureMatrix, mfcc, normalizeFeatures, poolFeatures, selectDims, withDeltas } from "./mfcc.js";

const RATE = 16000;
const HOP = 160; // 100 frames/s, the frame classifier's rate
const FRAME = HOP / RATE;

/** Reference voices tried by default: eSpeak's default (male) and a female variant. */
export const DEFAULT_REFERENCE_VOICES: readonly string[] = ["en-us", "en-us+f3"];

export interface DtwAlignOptions {
  /** Mono song audio, ideally separated vocals. */
  readonly samples: Float32Array;
  readonly sampleRate: number;
  readonly lyrics: LyricsInput;
  readonly g2p: G2p;
  /**
   * eSpeak voice(s) for the reference synthesis. With several, each is tried and the one whose
   * warp has the lowest mean MFCC distance wins (default: a male and a female voice, since a
   * soprano against a male reference drifts).
   */
  readonly voice?: string | readonly string[];
  /** eSpeak rate in words per minute (default 150; sung lyrics are slow). */
  readonly rate?: number;
  /** MFCC settings. */
  readonly features?: DtwFeatureOptions;
  /** Coarse DTW frame pooling (default 4: 25 frames/s); raised automatically for long audio. */
  readonly coarseFactor?: number;
}

/** Synthesised reference for a span of words: token times in the synthesis, seconds. */
interface TokenTiming {
  start: number;
  end: number;
}

/** Fresh copy resampled to 16 kHz. */
async function to16k(samples: Float32Array, sampleRate: number): Promise<Float32Array> {
  return sampleRate === RATE ? samples.slice() : resample(samples, sampleRate, RATE);
}

/** Active (loud enough) region of a signal, in 100 Hz frames, padded by `pad` frames. */
function activeRegion(samples: Float32Array, pad: number): { from: number; to: number; quiet: boolean[] } {
  const { quiet } = quietFrames(samples, RATE);
  const first = quiet.indexOf(false);
  const last = quiet.lastIndexOf(false);
  if (first < 0) return { from: 0, to: 0, quiet };
  return { from: Math.max(0, first - pad), to: Math.min(quiet.length, last + 1 + pad), quiet };
}

/**
 * DTW features: MFCC c1..c8 (c0, loudness, left out: a singer and the synthesis differ in level)
 * with their deltas, normalised over the loud frames. On the onset benchmark deltas halved the
 * mean error and c0 made it worse.
 */
function features(samples: Float32Array, loud: readonly boolean[], options: DtwFeatureOptions): FeatureMatrix {
  const raw = mfcc(samples, { sampleRate: RATE, hopLength: HOP, nMfcc: options.nMfcc ?? 9, nMels: options.nMels ?? 40, nFft: options.nFft ?? 512 });
  const cepstra = selectDims(raw, 1);
  return normalizeFeatures(options.deltas === false ? cepstra : withDeltas(cepstra), loud);
}

/** MFCC settings of the DTW features. */
export interface DtwFeatureOptions {
  /** Cepstra computed, c0 included (c0 is then dropped). Default 9: fewer cepstra follow the spectral envelope rather than the harmonics of a high voice (on the sung benchmark 13 drifted on a soprano). */
  readonly nMfcc?: number;
  readonly nMels?: number;
  readonly nFft?: number;
  /** Append deltas (default true). */
  readonly deltas?: boolean;
}

/** Two-level DTW (coarse full, fine in a corridor around the coarse path). */
function multiscaleDtw(query: FeatureMatrix, reference: FeatureMatrix, coarseFactor: number): DtwResult {
  // Keep the coarse cost matrix under ~3·10⁷ cells (one byte each).
  let factor = coarseFactor;
  while ((query.frames / factor) * (reference.frames / factor) > 3e7) factor *= 2;
  const coarseQuery = poolFeatures(query, factor);
  const coarseReference = poolFeatures(reference, factor);
  const coarse = dtw(coarseQuery, coarseReference, fullWindow(coarseQuery.frames, coarseReference.frames));
  if (factor === 1) return coarse;
  return dtw(query, reference, windowAroundPath(coarse, factor, query.frames, reference.frames, 2 * factor));
}

/** For each query frame, the first and last reference frame the path pairs it with. */
function pathMaps(path: DtwResult, queryFrames: number): { first: Int32Array; last: Int32Array; cost: Float32Array } {
  const first = new Int32Array(queryFrames).fill(-1);
  const last = new Int32Array(queryFrames).fill(-1);
  const cost = new Float32Array(queryFrames);
  const count = new Int32Array(queryFrames);
  for (let k = 0; k < path.query.length; k++) {
    const j = path.query[k] ?? 0;
    const i = path.reference[k] ?? 0;
    if ((first[j] ?? -1) < 0) first[j] = i;
    last[j] = i;
    cost[j] = (cost[j] ?? 0) + (path.cost[k] ?? 0);
    count[j] = (count[j] ?? 0) + 1;
  }
  for (let j = 0; j < queryFrames; j++) cost[j] = (cost[j] ?? 0) / Math.max(1, count[j] ?? 0);
  return { first, last, cost };
}

/**
 * Token times in the synthesis: eSpeak's phone timings when its phones for the word number our
 * G2P tokens, otherwise the word's span split evenly among our tokens.
 */
function synthTokenTimings(
  perLine: readonly TextTokens[],
  words: readonly { start: number; end: number }[],
  phonesPerWord: readonly { start: number; end: number }[][],
): TokenTiming[][] {
  const out: TokenTiming[][] = [];
  let w = 0;
  for (const line of perLine) {
    for (const count of line.tokensPerWord) {
      const word = words[w] ?? { start: 0, end: 0 };
      const phones = phonesPerWord[w] ?? [];
      if (phones.length === count) out.push(phones.map((p) => ({ start: p.start, end: p.end })));
      else {
        const step = (word.end - word.start) / Math.max(1, count);
        out.push(Array.from({ length: count }, (_, k) => ({ start: word.start + k * step, end: word.start + (k + 1) * step })));
      }
      w++;
    }
  }
  return out;
}

interface Segment {
  /** Song frames [from, to) of the window (100 Hz, absolute). */
  readonly songFrom: number;
  readonly songTo: number;
  /** Synthesis frames [from, to). */
  readonly synthFrom: number;
  readonly synthTo: number;
}

/** The frames of `[from, to)` that are loud (all of them when none is). */
function loudFrames(quiet: readonly boolean[], from: number, to: number): Int32Array {
  const keep: number[] = [];
  for (let t = from; t < to; t++) if (quiet[t] !== true) keep.push(t);
  if (keep.length === 0) for (let t = from; t < to; t++) keep.push(t);
  return Int32Array.from(keep);
}

function gatherFeatures(features: FeatureMatrix, frames: Int32Array): FeatureMatrix {
  const out = new Float32Array(frames.length * features.dims);
  frames.forEach((t, k) => out.set(features.data.subarray(t * features.dims, (t + 1) * features.dims), k * features.dims));
  return { data: out, frames: frames.length, dims: features.dims };
}

/** First index k with frames[k] >= t (frames sorted), clamped to the last. */
function firstAtOrAfter(frames: Int32Array, t: number): number {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((frames[mid] ?? 0) >= t) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * Aligns one segment and maps each token's synthesis span to song seconds; returns
 * [start, end, score]. Quiet frames of both signals are left out of the warping (pauses differ
 * between a singer and the synthesis), so a word after a pause starts at the first loud frame.
 */
function alignSegment(
  song: Signal,
  synth: Signal,
  segment: Segment,
  words: readonly (readonly TokenTiming[])[],
  coarseFactor: number,
): { spans: [number, number, number][]; meanCost: number } {
  const tokens = words.flat();
  const songFrames = loudFrames(song.quiet, segment.songFrom, Math.min(segment.songTo, song.features.frames));
  const synthFrames = loudFrames(synth.quiet, segment.synthFrom, Math.min(segment.synthTo, synth.features.frames));
  if (songFrames.length < 1 || synthFrames.length < 1) throw new AlignTooManyTokensError(tokens.length, songFrames.length);
  const query = gatherFeatures(synth.features, synthFrames);
  const reference = gatherFeatures(song.features, songFrames);
  const path = multiscaleDtw(query, reference, coarseFactor);
  const { first, last, cost } = pathMaps(path, query.frames);
  const meanCost = path.cost.reduce((sum, c) => sum + c, 0) / Math.max(1, path.cost.length);
  const frameSpans = { starts: new Int32Array(tokens.length), ends: new Int32Array(tokens.length) };
  const scores = tokens.map((token, k) => {
    const a = firstAtOrAfter(synthFrames, Math.round(token.start / FRAME));
    const b = Math.max(a, firstAtOrAfter(synthFrames, Math.round(token.end / FRAME)) - 1);
    const start = songFrames[first[a] ?? 0] ?? 0;
    frameSpans.starts[k] = start;
    frameSpans.ends[k] = Math.max(start + 1, (songFrames[last[b] ?? 0] ?? 0) + 1);
    let sum = 0;
    for (let j = a; j <= b; j++) sum += cost[j] ?? 0;
    return -sum / (b - a + 1);
  });
  // A token's last matched frame can be the next token's first; end it where the next one starts.
  for (let k = 0; k + 1 < tokens.length; k++) {
    const next = frameSpans.starts[k + 1] ?? 0;
    if ((frameSpans.ends[k] ?? 0) > next && next > (frameSpans.starts[k] ?? 0)) frameSpans.ends[k] = next;
  }
  snapWordStartsPastPauses(frameSpans, words.flatMap((word) => word.map((_, i) => i === 0)), song.quiet);
  const spans = scores.map((score, k): [number, number, number] => [(frameSpans.starts[k] ?? 0) * FRAME, (frameSpans.ends[k] ?? 0) * FRAME, score]);
  return { spans, meanCost };
}

/** Features of a signal and its per-frame quietness. */
interface Signal {
  readonly features: FeatureMatrix;
  readonly quiet: readonly boolean[];
}

/**
 * The alignment default that needs no model file: dynamic time warping between the song and
 * eSpeak-NG's synthesis of the lyrics on MFCC features (cepstral mean/variance normalised over
 * loud frames), two-level (coarse full DTW, fine DTW in a corridor), token times carried over from
 * eSpeak's phone timings. Produces the same `Alignment` as the model path: raw lyrics give one global
 * alignment; LRC gives the global one, the best LRC offset by inliers (1 s tolerance, as upstream),
 * then each line aligned inside its LRC window. Scores are minus the mean normalised MFCC distance
 * over the token (higher is better), not CTC log-probabilities.
 */
export async function alignWithDtw(options: DtwAlignOptions): Promise<AlignmentResult> {
  const coarseFactor = options.coarseFactor ?? 4;
  const { texts, times } = readLyrics(options.lyrics);
  await options.g2p.prepare(texts);
  const perLine = options.g2p.linesToTokens(texts);

  const song16k = await to16k(options.samples, options.sampleRate);
  const songRegion = activeRegion(song16k, 30);
  if (songRegion.to <= songRegion.from) throw new SilentAudioError("song audio is silent: no frame above the energy threshold");
  const songKeep = songRegion.quiet.map((q) => !q);
  const song = features(song16k, songKeep, options.features ?? {});

  const allWords = perLine.flatMap((l) => l.words);
  const songSignal: Signal = { features: song, quiet: songRegion.quiet };
  const lineTexts = perLine.filter((l) => l.words.length > 0).map((l) => l.words.join(" "));

  // One synthesis of all lyrics per candidate voice (lines become sentences so eSpeak pauses
  // between them); the voice whose global warp has the lowest mean distance is kept.
  const reference = async (voice: string | undefined) => {
    const speech = await synthesize(lineTexts.join(".\n"), { ...(voice === undefined ? {} : { voice }), rate: options.rate ?? 150 });
    const synth16k = await to16k(speech.samples, speech.sampleRate);
    const synthRegion = activeRegion(synth16k, 10);
    const synthSignal: Signal = {
      features: features(synth16k, synthRegion.quiet.map((q) => !q), options.features ?? {}),
      quiet: synthRegion.quiet,
    };
    // eSpeak's word list equals ours when counts agree (both split on the same word characters);
    // otherwise map by position so no word is lost.
    const synthWords = allWords.map((_, w) => {
      const index = speech.words.length === allWords.length ? w : Math.floor((w * speech.words.length) / allWords.length);
      return speech.words[index] ?? { start: 0, end: speech.samples.length / speech.sampleRate };
    });
    const phonesPerWord: { start: number; end: number }[][] = allWords.map(() => []);
    if (speech.words.length === allWords.length) {
      for (const phone of arpabetTimeline(speech.phonemes)) phonesPerWord[phone.wordIndex]?.push(phone);
    }
    const tokenTimes = synthTokenTimings(perLine, synthWords, phonesPerWord);
    const global = alignSegment(
      songSignal,
      synthSignal,
      { songFrom: songRegion.from, songTo: songRegion.to, synthFrom: synthRegion.from, synthTo: Math.max(synthRegion.to, synthRegion.from + 1) },
      tokenTimes,
      coarseFactor,
    );
    return { synthSignal, tokenTimes, global };
  };
  const voices = options.voice === undefined ? DEFAULT_REFERENCE_VOICES : typeof options.voice === "string" ? [options.voice] : options.voice;
  let chosen: Awaited<ReturnType<typeof reference>> | undefined;
  for (const voice of voices) {
    const candidate = await reference(voice);
    if (chosen === undefined || candidate.global.meanCost < chosen.global.meanCost) chosen = candidate;
  }
  if (chosen === undefined) throw new SilentAudioError("no reference voice given for the DTW aligner");
  const { synthSignal, tokenTimes } = chosen;
  const synth = synthSignal.features;

  const build = (spans: [number, number, number][], ratios: { inlier_ratio: number | null; lrclib_offset: number | null }) =>
    Alignment.from({
      starts: spans.map((s) => s[0]),
      ends: spans.map((s) => s[1]),
      scores: spans.map((s) => s[2]),
      tokens: perLine.flatMap((l) => l.tokens),
      words: allWords,
      lines: texts,
      tokens_per_word: perLine.flatMap((l) => l.tokensPerWord),
      words_per_line: perLine.map((l) => l.words.length),
      ...ratios,
    });

  const global = build(chosen.global.spans, { inlier_ratio: null, lrclib_offset: null });
  if (times === null) return { alignment: global, global, constrained: null };

  const best = bestLrcOffset(times, global.lineSpans.starts);
  if (best === null) throw new AlignTooManyTokensError(tokenTimes.flat().length, song.frames);
  const constrainedSpans: [number, number, number][] = [];
  let word = 0;
  perLine.forEach((line, i) => {
    const lineWords = tokenTimes.slice(word, word + line.words.length);
    const lineTokens = lineWords.flat();
    word += line.words.length;
    if (lineTokens.length === 0) return;
    const lrcStart = (times[i] ?? 0) - best.offset;
    const next = times[i + 1];
    const lrcEnd = next === undefined ? song.frames * FRAME : next - best.offset;
    // The line's loud part inside its LRC window (±1 frame, as upstream), so silence before
    // the line is not forced onto its first phone.
    let from = Math.max(0, Math.round(lrcStart / FRAME) - 1);
    let to = Math.min(song.frames, Math.max(from + 1, Math.round(lrcEnd / FRAME) + 1));
    while (from < to - 1 && songRegion.quiet[from] === true) from++;
    while (to > from + 1 && songRegion.quiet[to - 1] === true) to--;
    const synthFrom = Math.max(0, Math.floor((lineTokens[0]?.start ?? 0) / FRAME) - 5);
    const synthTo = Math.min(synth.frames, Math.ceil((lineTokens.at(-1)?.end ?? 0) / FRAME) + 5);
    constrainedSpans.push(...alignSegment(songSignal, synthSignal, { songFrom: from, songTo: to, synthFrom, synthTo }, lineWords, coarseFactor).spans);
  });
  const constrained = build(constrainedSpans, { inlier_ratio: best.inlierRatio, lrclib_offset: best.offset });
  return { alignment: constrained, global, constrained };
}
