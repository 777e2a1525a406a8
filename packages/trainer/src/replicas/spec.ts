import type { JsonValue } from "../contract.js";
import { TrainerConfigError } from "../errors.js";

/** One replica's part of a batch: a contiguous run of its rows. */
export interface BatchShard<Batch> {
  batch: Batch;
  /** Rows in the shard (0 for an idle replica when a batch has fewer rows than replicas). */
  samples: number;
  /**
   * The denominator of the shard's loss: the coordinator averages shard losses and gradients
   * weighted by it, so N shards give the gradient of the whole batch's loss. Rows for a loss that
   * is a mean over samples, or over equal-length rows of tokens (t2s, sm2a, the tiny LM); the
   * counted tokens for a per-token mean over rows of different lengths. Default: `samples`.
   */
  weight?: number;
}

/**
 * How `train` runs data-parallel replicas (`autosing train --replicas N`). Each replica is a
 * `node:worker_threads` worker with its own tfjs backend that imports `module` and calls its
 * export `createReplicaModel(options, { replica, replicas })`, which must build the same model
 * (same parameter names and shapes) as the coordinator's; the weights are copied in from the
 * coordinator before every batch, so its initial values do not matter.
 */
export interface ReplicaSpec<Batch> {
  /** Replicas, ≥ 1. 1 keeps the single-process path (no workers), byte-identical to a run without replicas. */
  count: number;
  /** A file URL or absolute path of the module exporting `createReplicaModel`. */
  module: string;
  /** JSON handed to `createReplicaModel` (the model's config). */
  options?: JsonValue;
  /** Splits a batch into `parts` contiguous shards, in row order (`splitRowMajorBatch` for flat row-major batches). */
  split(batch: Batch, parts: number): BatchShard<Batch>[];
}

/** What a replica module exports (its `createReplicaModel` signature). */
export interface ReplicaContext {
  replica: number;
  replicas: number;
}

export function validateReplicaCount(count: number): void {
  if (!Number.isInteger(count) || count < 1) throw new TrainerConfigError("replicas", count, "must be a whole number ≥ 1 (or auto: the machine's cores)");
}

/** Row bounds of `parts` contiguous shards of `rows` rows, as even as possible, earlier shards one larger. */
export function shardBounds(rows: number, parts: number): [number, number][] {
  const base = Math.floor(rows / parts);
  const extra = rows % parts;
  const bounds: [number, number][] = [];
  let start = 0;
  for (let i = 0; i < parts; i++) {
    const end = start + base + (i < extra ? 1 : 0);
    bounds.push([start, end]);
    start = end;
  }
  return bounds;
}

/**
 * Splits a batch whose typed arrays are all row-major with `batch[sizeKey]` rows (every array's
 * length is a multiple of the row count) into contiguous shards: each array is cut at the same
 * row bounds (views, not copies), numbers other than the row count are kept, and the row count
 * becomes the shard's. Fails on an array whose length is not a multiple of the rows.
 */
export function splitRowMajorBatch<Batch extends object>(batch: Batch, parts: number, sizeKey: keyof Batch & string): BatchShard<Batch>[] {
  const rows = (batch as Record<string, unknown>)[sizeKey];
  if (typeof rows !== "number") throw new TrainerConfigError("batch row count", sizeKey, "the batch has no such numeric field");
  return shardBounds(rows, parts).map(([start, end]) => {
    const shard: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(batch)) {
      if (key === sizeKey) shard[key] = end - start;
      else if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        const array = value as unknown as Int32Array;
        if (array.length % rows !== 0) throw new TrainerConfigError(`batch field ${key}`, array.length, `is not a multiple of the ${rows} rows, so it cannot be split row-wise`);
        const perRow = array.length / rows;
        shard[key] = array.subarray(start * perRow, end * perRow);
      } else shard[key] = value;
    }
    return { batch: shard as Batch, samples: end - start };
  });
}
