import { type AlignmentRecord, type TableSchema, defineColumn, defineTable } from "@autosing/parquet-io";

/** A row of a constructed dataset's `main.parquet` as the training tasks read it. */
export interface TrainingRow {
  id: string;
  /** SNAC tokens, dense [4, T] flattened. */
  atoks: Int32Array;
  /** Music (accompaniment) SNAC tokens, dense [4, T] flattened; absent or null when not extracted. */
  mtoks?: Int32Array | null;
  /** Semantic tokens (25 per second). */
  stoks: Int32Array;
  /** Artist embeddings, 256 floats per 10 s. */
  embs?: Float32Array | null;
  alignment?: AlignmentRecord | null;
  /** Plain lyrics, used by t2s when there is no good alignment. */
  text?: string | null;
}

/** `main.parquet` with the columns a task may lack marked optional, so each task asks only for what it needs. */
export const trainingTable: TableSchema<TrainingRow> = defineTable<TrainingRow>("main", [
  defineColumn("id", "string"),
  defineColumn("atoks", "int-list"),
  defineColumn("mtoks", "int-list", { nullable: true, optional: true }),
  defineColumn("stoks", "int-list"),
  defineColumn("embs", "float-list", { nullable: true, optional: true }),
  defineColumn("alignment", "alignment", { nullable: true, optional: true }),
  defineColumn("text", "string", { nullable: true, optional: true }),
]);

/** SNAC 32 kHz: 4096 codes per level; `num_codes` is also the mask code, `num_codes + 1` the pad. */
export const SNAC_NUM_CODES = 4096;
/** Upstream caps acoustic and music tokens at 2496 frames (30 s). */
export const MAX_ACOUSTIC_FRAMES = 2496;
/** Semantic tokens' pad token (2048 codes). */
export const STOKS_PAD_TOKEN = 2048;

/** Reshapes flattened dense tokens to [4, T] and keeps the first `maxFrames` frames. */
export function denseLevels(values: Int32Array, maxFrames = MAX_ACOUSTIC_FRAMES): { data: Int32Array; shape: [4, number] } | string {
  if (values.length === 0 || values.length % 4 !== 0) return `has ${values.length} values, not a non-empty multiple of 4 (dense [4, T])`;
  const frames = values.length / 4;
  const kept = Math.min(frames, maxFrames);
  if (kept % 4 !== 0) return `has ${kept} frames, not a multiple of 4 (the bricks pattern needs it)`;
  const data = new Int32Array(4 * kept);
  for (let level = 0; level < 4; level++) data.set(values.subarray(level * frames, level * frames + kept), level * kept);
  return { data, shape: [4, kept] };
}
