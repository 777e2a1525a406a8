import { applyPattern } from "@autosing/audio-codec";
import { alignmentWordSpans, sliceAlignment } from "@autosing/parquet-io";

import type { SkippedRow } from "../data/partitioned.js";
import { DatasetError } from "../errors.js";
import { stackSamples } from "./stack.js";
import { SNAC_NUM_CODES, STOKS_PAD_TOKEN, type TrainingRow, denseLevels } from "./rows.js";
import { DEFAULT_MIN_INLIER_RATIO, type T2STextSourceCounts, t2sTextSource } from "./t2s-text-sources.js";

/** WhisperSpeech CharTokenizer.eot. */
export const TEXT_END_OF_TEXT = 0;
/** whisperspeech.languages.to_id("en"). */
export const LANGUAGE_EN = 0;
/** Placeholder upstream trains on when a row has neither a good alignment nor text. */
export const T2S_PLACEHOLDER_TEXT = "@@@@placeholder@@@@@";

export interface T2SDataOptions {
  /** 450 for "short" datasets, else 900 (upstream derives it from the dataset path). */
  ttoksLength: number;
  /** Alignments at or below this inlier ratio are not trusted (default 0.85). */
  minInlierRatio?: number;
  /** Counts each sample's text source (the run summary reports the placeholder rows). */
  textSources?: T2STextSourceCounts;
  /** Music token levels ≥ this are masked (default 2; 0 keeps all). */
  maskFinegrained?: number;
}

/**
 * One t2s training sample in host memory (the tuple T2SDataset yields), held compactly because
 * the run's shuffle buffer keeps 64k of them: text bytes as Uint8Array and tokens as Uint16Array
 * (every code is ≤ 4097), the shifted pairs as two views of one array, and only the music
 * streams that are not masked (the collate fills the masked ones with the mask code).
 */
export interface T2SSample {
  /** [ttoksLength] text bytes, eot first; `outTtoks` is the same array shifted by one. */
  inTtoks: Uint8Array;
  outTtoks: Uint8Array;
  language: number;
  cps: number;
  inStoks: Uint16Array;
  outStoks: Uint16Array;
  /** The first `mtoks.length / mtoksLength` streams of the `bricks` music tokens [8, mtoksLength]; the rest are masked. */
  mtoks: Uint16Array;
  mtoksLength: number;
}

/** Streams of the `bricks` pattern (4 levels × 2). */
const BRICKS_STREAMS = 8;

/** A collated t2s batch, row-major. */
export interface T2SHostBatch {
  size: number;
  ttoksLength: number;
  stoksLength: number;
  mtoksLength: number;
  inTtoks: Int32Array;
  outTtoks: Int32Array;
  languages: Int32Array;
  cps: Float32Array;
  inStoks: Int32Array;
  outStoks: Int32Array;
  mtoks: Int32Array;
}

/** upstream: `ttoks_len = 450 if "short" in dataset_dir else 900`. */
export function t2sTextLength(datasetPath: string): number {
  return datasetPath.includes("short") ? 450 : 900;
}

/** Port of autosing/t2s.py: T2SDataset.entries' text choice. */
export function t2sText(row: Pick<TrainingRow, "alignment" | "text">, stoksLength: number, minInlierRatio = DEFAULT_MIN_INLIER_RATIO): string {
  const alignment = row.alignment;
  const { source } = t2sTextSource(row, minInlierRatio);
  if (alignment && source === "alignment") {
    const sliced = sliceAlignment(alignment, 0.1, Math.floor(stoksLength / 25) - 0.1, true);
    const starts = alignmentWordSpans(sliced).starts;
    const words: string[] = [];
    let nextLine = false;
    sliced.words.forEach((word, i) => {
      if ((starts[i] ?? 0) > 15 && !nextLine) {
        words.push("\n");
        nextLine = true;
      }
      words.push(word);
    });
    return words
      .filter((word) => word !== "")
      .join(" ")
      .replaceAll(" \n ", "\n");
  }
  if (source === "text" && typeof row.text === "string") return row.text;
  return T2S_PLACEHOLDER_TEXT;
}

/**
 * Port of T2SDataset.entries' text tokens: CharTokenizer.encode (UTF-8 bytes of the stripped
 * text) cut to `length − 1` bytes, then `F.pad(ttoks, (1, length − n), value=eot)` — one eot
 * before and eot up to `length + 1` tokens in all, so that the shifted pair `ttoks[:-1]`,
 * `ttoks[1:]` is `length` tokens each (900 for upstream's t2s, what its model's text encoder reads).
 */
export function t2sTextTokens(text: string, length: number): Uint8Array {
  const bytes = new TextEncoder().encode(text.trim());
  const out = new Uint8Array(length + 1).fill(TEXT_END_OF_TEXT);
  out.set(bytes.subarray(0, Math.min(length - 1, bytes.length)), 1);
  return out;
}

/** Port of autosing/t2s.py: T2SDataset.entries (one row → one sample). */
export function t2sSample(row: TrainingRow, options: T2SDataOptions): T2SSample | SkippedRow {
  const stoksLength = row.stoks.length;
  if (stoksLength === 0) return { skip: "stoks is empty" };
  for (const value of row.stoks) {
    if (value < 0 || value > STOKS_PAD_TOKEN) return { skip: `stoks holds ${value}, outside 0..${STOKS_PAD_TOKEN}` };
  }
  const stoks = new Uint16Array(stoksLength + 1);
  stoks[0] = STOKS_PAD_TOKEN;
  stoks.set(row.stoks, 1);

  const atoks = denseLevels(row.atoks);
  if (typeof atoks === "string") return { skip: `atoks ${atoks}` };
  let music: { data: Int32Array; shape: [4, number] };
  if (row.mtoks && row.mtoks.length) {
    const dense = denseLevels(row.mtoks);
    if (typeof dense === "string") return { skip: `mtoks ${dense}` };
    music = dense;
  } else {
    music = { data: new Int32Array(atoks.data.length).fill(SNAC_NUM_CODES), shape: atoks.shape };
  }
  const bricks = applyPattern("bricks", { data: music.data, shape: music.shape }, SNAC_NUM_CODES);
  const mtoksLength = bricks.shape[1] as number;
  // upstream `mtoks[mask_finegrained:] = num_codes`: the masked streams are not stored (collateT2S fills them).
  const mask = options.maskFinegrained ?? 2;
  const keptStreams = mask ? Math.min(mask, BRICKS_STREAMS) : BRICKS_STREAMS;
  const mtoks = Uint16Array.from(bricks.data.subarray(0, keptStreams * mtoksLength));

  const minInlierRatio = options.minInlierRatio ?? DEFAULT_MIN_INLIER_RATIO;
  options.textSources?.add(t2sTextSource(row, minInlierRatio));
  const ttoks = t2sTextTokens(t2sText(row, stoksLength, minInlierRatio), options.ttoksLength);
  return {
    inTtoks: ttoks.subarray(0, -1),
    outTtoks: ttoks.subarray(1),
    language: LANGUAGE_EN,
    cps: 1,
    inStoks: stoks.subarray(0, -1),
    outStoks: stoks.subarray(1),
    mtoks,
    mtoksLength,
  };
}

export function collateT2S(samples: T2SSample[]): T2SHostBatch {
  const first = samples[0];
  if (!first) throw new DatasetError("t2s batch", "is empty");
  const ints = (n: number) => new Int32Array(n);
  const mtoksLength = first.mtoksLength;
  // The streams a sample does not store are masked.
  const mtoks = new Int32Array(samples.length * BRICKS_STREAMS * mtoksLength).fill(SNAC_NUM_CODES);
  samples.forEach((s, i) => {
    if (s.mtoksLength !== mtoksLength || s.mtoks.length % mtoksLength !== 0 || s.mtoks.length > BRICKS_STREAMS * mtoksLength) {
      throw new DatasetError("mtoks", `samples of one batch differ in length (${mtoksLength} vs ${s.mtoksLength} steps)`);
    }
    mtoks.set(s.mtoks, i * BRICKS_STREAMS * mtoksLength);
  });
  return {
    size: samples.length,
    ttoksLength: first.inTtoks.length,
    stoksLength: first.inStoks.length,
    mtoksLength,
    inTtoks: stackSamples(samples.map((s) => s.inTtoks), ints, "inTtoks"),
    outTtoks: stackSamples(samples.map((s) => s.outTtoks), ints, "outTtoks"),
    languages: Int32Array.from(samples, (s) => s.language),
    cps: Float32Array.from(samples, (s) => s.cps),
    inStoks: stackSamples(samples.map((s) => s.inStoks), ints, "stoks"),
    outStoks: stackSamples(samples.map((s) => s.outStoks), ints, "stoks"),
    mtoks,
  };
}
