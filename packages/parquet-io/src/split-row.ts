/**
 * Port of autosing/construct_dataset.py: split_partition — a 30 s row as two 15 s halves. Deliberate
 * differences: the stored alignment is the sliced 15 s one (upstream slices only to filter and
 * keeps the 30 s alignment), halves get ids `<id>_h0` / `<id>_h1`, and a row whose alignment is
 * null yields no half (upstream fails the whole partition).
 */
import { type AlignmentRecord, alignmentCover, sliceAlignment } from "./alignment.js";
import { ParquetIoError } from "./errors.js";
import type { MainRow } from "./step-tables.js";

/** SNAC 32 kHz: 32000 / 384 frames per second; tokens are aligned to multiples of 8 frames. */
const CODEC_FRAME_RATE = 32000 / 384;
const CODEC_ALIGNMENT = 8;
/** Finest-level frames in a 15 s half (Port of construct_dataset.py: split_partition frame_length): 1248. */
export const HALF_ACOUSTIC_FRAMES = Math.floor(Math.floor(15 * CODEC_FRAME_RATE) / CODEC_ALIGNMENT) * CODEC_ALIGNMENT;
/** Semantic tokens in a 15 s half (25 per second). */
export const HALF_SEMANTIC_TOKENS = 375;
/** Upstream keeps a half only when its words cover more than this share of the 15 s. */
export const MIN_HALF_COVER = 0.6;

/** A row whose token or embedding array cannot be split into 15 s halves. */
export class SplitShapeError extends ParquetIoError {
  constructor(
    readonly column: "atoks" | "mtoks" | "embs",
    readonly id: string,
    readonly length: number,
    readonly expected: string,
  ) {
    super(`row id "${id}": ${column} has ${length} values, expected ${expected}`);
  }
}

/** `x.reshape(4, -1)[:, offset:offset+frames].reshape(-1)` of a flattened [4, T] token array. */
function sliceAcoustic(values: Int32Array, right: boolean, column: "atoks" | "mtoks", id: string): Int32Array {
  if (values.length % 4 !== 0) throw new SplitShapeError(column, id, values.length, "4 × T (4 codec levels)");
  const frames = values.length / 4;
  const offset = right ? HALF_ACOUSTIC_FRAMES : 0;
  // numpy slicing clips at the end instead of failing.
  const start = Math.min(offset, frames);
  const stop = Math.min(offset + HALF_ACOUSTIC_FRAMES, frames);
  const out = new Int32Array(4 * (stop - start));
  for (let level = 0; level < 4; level += 1) out.set(values.subarray(level * frames + start, level * frames + stop), level * (stop - start));
  return out;
}

/** `x.reshape(3, -1)[2 * right]` of a flattened [3, 256] embedding array. */
function sliceEmbedding(values: Float32Array, right: boolean, id: string): Float32Array {
  if (values.length % 3 !== 0) throw new SplitShapeError("embs", id, values.length, "3 × D (one embedding per 10 s)");
  const size = values.length / 3;
  const row = right ? 2 : 0;
  return values.slice(row * size, (row + 1) * size);
}

/**
 * Port of autosing/construct_dataset.py: split_partition for one row — the left (or right) 15 s
 * half, or undefined when its alignment's word cover is not above 60 % of 15 s.
 */
export function splitRow(row: MainRow, right: boolean): MainRow | undefined {
  if (row.alignment === null) return undefined; // deliberate: upstream cannot slice a null alignment
  const alignment: AlignmentRecord = sliceAlignment(row.alignment, 15 * Number(right), 15 * (Number(right) + 1));
  if (!(alignmentCover(alignment) / 15 > MIN_HALF_COVER)) return undefined;
  const semanticOffset = right ? HALF_SEMANTIC_TOKENS : 0;
  return {
    id: `${row.id}_h${Number(right)}`,
    atoks: sliceAcoustic(row.atoks, right, "atoks", row.id),
    mtoks: sliceAcoustic(row.mtoks, right, "mtoks", row.id),
    stoks: row.stoks.slice(semanticOffset, semanticOffset + HALF_SEMANTIC_TOKENS),
    embs: sliceEmbedding(row.embs, right, row.id),
    alignment,
  };
}
