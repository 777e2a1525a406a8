import { applyPattern } from "@autosing/audio-codec";

import type { SampleContext, SkippedRow } from "../data/partitioned.js";
import { DatasetError } from "../errors.js";
import { stackSamples } from "./stack.js";
import { SNAC_NUM_CODES, STOKS_PAD_TOKEN, type TrainingRow, denseLevels } from "./rows.js";

/** Width of one artist embedding (one per 10 s). */
export const ARTIST_EMBEDDING_WIDTH = 256;

export interface SM2ADataOptions {
  /** Probability of dropping the music and (independently) the speaker conditioning (default 0). */
  pNoCond?: number;
  multiscale?: boolean;
  /** With multiscale: probability of the coarse `bricks` view (default 0.75). */
  pCoarse?: number;
}

/**
 * One sm2a training sample in host memory (the tuple SM2ADataset yields), held compactly because
 * the run's shuffle buffer keeps 64k of them: tokens as Uint16Array (every code is ≤ 4097) and
 * the acoustic positions as their first value and stride (collateSM2A writes them out).
 */
export interface SM2ASample {
  stoks: Uint16Array;
  /** Acoustic tokens [8, atoksLength] in `bricks` or `bricks_unrolled`. */
  atoks: Uint16Array;
  atoksLength: number;
  /** Acoustic position i is `atoksPositionStart + i × atoksPositionStride` (4 for the coarse view, else 1). */
  atoksPositionStart: number;
  atoksPositionStride: number;
  /** Music tokens [8, mtoksLength] in `bricks`. */
  mtoks: Uint16Array;
  mtoksLength: number;
  artistEmbedding: Float32Array;
}

export interface SM2AHostBatch {
  size: number;
  stoksLength: number;
  atoksLength: number;
  mtoksLength: number;
  stoks: Int32Array;
  atoks: Int32Array;
  atoksPositions: Int32Array;
  mtoks: Int32Array;
  artistEmbeddings: Float32Array;
  /** Per quantizer, what the loss divides by instead of the batch's own valid targets: set on data-parallel shards by `splitSM2ABatch`. */
  lossDenominators?: Float64Array;
}

/** Python's random.randint(a, b) (inclusive) on our generator. */
function randint(context: SampleContext, low: number, high: number): number {
  return low + context.rng.nextInt(high - low + 1);
}

/**
 * Port of autosing/sm2a.py: SM2ADataset.entries. Random draws happen in upstream's order
 * (pattern choice only when multiscale, window offset only for the unrolled view, then the two
 * conditioning dropouts), from the dataset's seeded stream instead of Random(42 + rank).
 */
export function sm2aSample(row: TrainingRow, options: SM2ADataOptions, context: SampleContext): SM2ASample | SkippedRow {
  if (row.stoks.length === 0) return { skip: "stoks is empty" };
  const stoks = new Uint16Array(row.stoks.length);
  stoks[0] = STOKS_PAD_TOKEN;
  stoks.set(row.stoks.subarray(0, -1), 1);

  const atoksDense = denseLevels(row.atoks);
  if (typeof atoksDense === "string") return { skip: `atoks ${atoksDense}` };
  let music: { data: Int32Array; shape: [4, number] };
  if (row.mtoks && row.mtoks.length) {
    const dense = denseLevels(row.mtoks);
    if (typeof dense === "string") return { skip: `mtoks ${dense}` };
    music = dense;
  } else {
    music = { data: new Int32Array(atoksDense.data.length).fill(SNAC_NUM_CODES), shape: atoksDense.shape };
  }
  const mtoks = applyPattern("bricks", music, SNAC_NUM_CODES);
  const mtoksLength = mtoks.shape[1] as number;

  const coarse = options.multiscale === true && context.rng.nextFloat() < (options.pCoarse ?? 0.75);
  let atoks = applyPattern(coarse ? "bricks" : "bricks_unrolled", atoksDense, SNAC_NUM_CODES);
  let atoksLength = atoks.shape[1] as number;
  let atoksPositionStart = 0;
  let atoksPositionStride = 1;
  if (options.multiscale && !coarse) {
    if (atoksLength < mtoksLength) return { skip: `unrolled atoks (${atoksLength}) shorter than mtoks (${mtoksLength})` };
    const offset = Math.floor(randint(context, 0, atoksLength - mtoksLength) / 8) * 8;
    const window = new Int32Array(8 * mtoksLength);
    for (let r = 0; r < 8; r++) window.set(atoks.data.subarray(r * atoksLength + offset, r * atoksLength + offset + mtoksLength), r * mtoksLength);
    atoks = { data: window, shape: [8, mtoksLength] };
    atoksLength = mtoksLength;
    atoksPositionStart = offset;
  } else if (options.multiscale && coarse) {
    atoksPositionStride = 4;
  }

  const pNoCond = options.pNoCond ?? 0;
  if (context.rng.nextFloat() < pNoCond) mtoks.data.fill(SNAC_NUM_CODES);

  const embs = row.embs;
  if (!embs || embs.length === 0 || embs.length % ARTIST_EMBEDDING_WIDTH !== 0) {
    return { skip: `embs has ${embs?.length ?? 0} values, not a non-empty multiple of ${ARTIST_EMBEDDING_WIDTH}` };
  }
  const count = embs.length / ARTIST_EMBEDDING_WIDTH;
  const artistEmbedding = new Float32Array(ARTIST_EMBEDDING_WIDTH);
  for (let k = 0; k < count; k++) {
    for (let i = 0; i < ARTIST_EMBEDDING_WIDTH; i++) artistEmbedding[i] = (artistEmbedding[i] as number) + (embs[k * ARTIST_EMBEDDING_WIDTH + i] as number);
  }
  for (let i = 0; i < ARTIST_EMBEDDING_WIDTH; i++) artistEmbedding[i] = (artistEmbedding[i] as number) / count;
  if (context.rng.nextFloat() < pNoCond) artistEmbedding.fill(0);

  return {
    stoks,
    atoks: Uint16Array.from(atoks.data),
    atoksLength,
    atoksPositionStart,
    atoksPositionStride,
    mtoks: Uint16Array.from(mtoks.data),
    mtoksLength,
    artistEmbedding,
  };
}

export function collateSM2A(samples: SM2ASample[]): SM2AHostBatch {
  const first = samples[0];
  if (!first) throw new DatasetError("sm2a batch", "is empty");
  const ints = (n: number) => new Int32Array(n);
  return {
    size: samples.length,
    stoksLength: first.stoks.length,
    atoksLength: first.atoksLength,
    mtoksLength: first.mtoksLength,
    stoks: stackSamples(samples.map((s) => s.stoks), ints, "stoks"),
    atoks: stackSamples(samples.map((s) => s.atoks), ints, "atoks"),
    atoksPositions: stackSamples(
      samples.map((s) => Int32Array.from({ length: s.atoksLength }, (_, i) => s.atoksPositionStart + i * s.atoksPositionStride)),
      ints,
      "atoks_positions",
    ),
    mtoks: stackSamples(samples.map((s) => s.mtoks), ints, "mtoks"),
    artistEmbeddings: stackSamples(samples.map((s) => s.artistEmbedding), (n) => new Float32Array(n), "embs"),
  };
}
