import { chunkedTable, listPartitions, openTable, stepPath } from "@autosing/parquet-io";

import { DatasetError } from "../errors.js";

export interface CollectArtistsOptions {
  /** Artists with fewer chunks than this are left out (upstream default 100). */
  minSampleCount: number;
  /** Training partitions 1..numPartitions (upstream's artist dataset default is 8); all when omitted. */
  numPartitions?: number;
}

export interface ArtistCounts {
  /** Artist name → class id, ids 0, 1, … in sorted name order. */
  ids: Record<string, number>;
  /** Chunks per artist (every artist seen, frequent or not). */
  counts: Map<string, number>;
  partitions: number[];
}

/** Python's default string order (by code point), which JS's UTF-16 sort differs from above U+FFFF. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = (x[i] as string).codePointAt(0)! - (y[i] as string).codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Port of autosing/artist_embeddings.py: collect_artists — counts the `artist` column of each
 * training partition's `chunked.parquet` and numbers the artists with at least
 * `minSampleCount` chunks in sorted order. Rows without an artist are not counted (upstream
 * would fail sorting None against names).
 */
export async function collectArtists(path: string, options: CollectArtistsOptions): Promise<ArtistCounts> {
  if (!Number.isInteger(options.minSampleCount) || options.minSampleCount < 0) {
    throw new DatasetError(path, `--min-sample-count must be a non-negative integer, got ${options.minSampleCount}`);
  }
  let partitions: number[];
  try {
    partitions = (await listPartitions(path)).filter((p) => p >= 1 && (options.numPartitions === undefined || p <= options.numPartitions));
  } catch (error) {
    throw new DatasetError(path, (error as Error).message);
  }
  if (partitions.length === 0) throw new DatasetError(path, "has no training partitions (folders 1, 2, …)");
  const counts = new Map<string, number>();
  for (const partition of partitions) {
    const file = stepPath(path, partition, "chunked");
    let reader;
    try {
      reader = await openTable(file, chunkedTable);
    } catch (error) {
      throw new DatasetError(path, `partition ${partition}: ${(error as Error).message}`);
    }
    if (!reader.hasColumn("artist")) {
      await reader.close();
      throw new DatasetError(path, `partition ${partition} (${file}) has no "artist" column`);
    }
    for await (const row of reader.rows({ columns: ["artist"] })) {
      if (typeof row.artist !== "string") continue;
      counts.set(row.artist, (counts.get(row.artist) ?? 0) + 1);
    }
  }
  const ids: Record<string, number> = {};
  let next = 0;
  for (const artist of [...counts.keys()].sort(byCodePoint)) {
    if ((counts.get(artist) as number) < options.minSampleCount) continue;
    ids[artist] = next++;
  }
  return { ids, counts, partitions };
}
