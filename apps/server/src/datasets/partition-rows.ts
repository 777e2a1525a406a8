/**
 * The rows of one partition as the viewer shows them: upstream's dataset_viewer.py joins
 * chunked + vocals + no_vocals + stoks per chunk and shows the inlier ratio, the aligned lyrics
 * and three players. Here a row carries the same plus the acoustic tokens, with paging, sorting
 * and the inlier-ratio filter done on the server, and without audio (each track has its own URL).
 * A partition that has not run `vad_extract` yet is shown by song (index + alignment).
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";

import type { ArrowColumn } from "@autosing/parquet-io/arrow";
import { type AlignmentRecord, alignmentTable, atoksTable, chunkedTable, indexTable, stemTable, stepPath, stoksTable } from "@autosing/parquet-io";

import type { ServedPartition } from "./dataset-catalog.js";
import { DatasetRequestError } from "./errors.js";
import { TableCache } from "./table-cache.js";

export const ROW_SORT_KEYS = ["id", "artist", "inlier_ratio", "words"] as const;
export type RowSortKey = (typeof ROW_SORT_KEYS)[number];
export const DEFAULT_ROW_LIMIT = 20;
/** The most rows one page may ask for: a page of 30 s chunks with their tokens is ~100 kB per row. */
export const MAX_ROW_LIMIT = 200;

export interface RowQuery {
  readonly offset?: number;
  readonly limit?: number;
  readonly sort?: RowSortKey;
  readonly order?: "asc" | "desc";
  /** Keep rows whose alignment's inlier ratio is at least this (rows without one are dropped). */
  readonly minInlierRatio?: number;
}

/** One row as the API sends it (Arrow columns `VIEWER_ROW_COLUMNS`). */
export interface ViewerRow {
  readonly id: string;
  readonly artist: string | null;
  readonly inlier_ratio: number | null;
  readonly alignment: AlignmentRecord | null;
  /** The raw lyrics of a song row (an index-based partition); null for chunks. */
  readonly lyrics: string | null;
  readonly stoks: Int32Array | null;
  /** `4 × T` flattened, level-major (the codec in the page's `atoks_codec`). */
  readonly atoks_vocals: Int32Array | null;
  readonly atoks_no_vocals: Int32Array | null;
  readonly has_vocals: boolean;
  readonly has_instrumental: boolean;
}

export const VIEWER_ROW_COLUMNS: readonly ArrowColumn[] = [
  { name: "id", type: "string", nullable: false },
  { name: "artist", type: "string", nullable: true },
  { name: "inlier_ratio", type: "number", nullable: true },
  { name: "alignment", type: "alignment", nullable: true },
  { name: "lyrics", type: "string", nullable: true },
  { name: "stoks", type: "int-list", nullable: true },
  { name: "atoks_vocals", type: "int-list", nullable: true },
  { name: "atoks_no_vocals", type: "int-list", nullable: true },
  { name: "has_vocals", type: "boolean", nullable: false },
  { name: "has_instrumental", type: "boolean", nullable: false },
];

export interface RowPage {
  /** Rows that pass the filter, before paging. */
  readonly total: number;
  readonly offset: number;
  readonly rows: readonly ViewerRow[];
  /** `chunked` (30 s chunks with stems and tokens) or `index` (whole songs). */
  readonly base: "chunked" | "index";
  /** The codec of the atoks columns (`snac_32khz`, `default`, …), null when none was found. */
  readonly atoksCodec: string | null;
}

interface Summary {
  readonly id: string;
  readonly artist: string | null;
  readonly alignment: AlignmentRecord | null;
  readonly lyrics: string | null;
}

/** The codec of the partition's acoustic tokens: snac_32khz when present, else the first found. */
async function atoksCodecOf(folder: string): Promise<string | null> {
  const codecs = (await readdir(folder))
    .map((name) => /^atoks_vocals_(.+)\.parquet$/.exec(name)?.[1])
    .filter((codec): codec is string => codec !== undefined)
    .sort();
  return codecs.includes("snac_32khz") ? "snac_32khz" : (codecs[0] ?? null);
}

function sortValue(row: Summary, key: RowSortKey): string | number | null {
  if (key === "id") return row.id;
  if (key === "artist") return row.artist;
  if (key === "inlier_ratio") return row.alignment?.inlier_ratio ?? null;
  return row.alignment?.words.length ?? null;
}

/** Orders by `key` in `direction` (1 ascending, -1 descending); rows without a value go last either way. */
function compareRows(a: Summary, b: Summary, key: RowSortKey, direction: 1 | -1): number {
  const x = sortValue(a, key);
  const y = sortValue(b, key);
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return direction * (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y)));
}

/** Checks a query's numbers (400 naming the field) and fills the defaults. */
export function checkRowQuery(query: RowQuery): Required<Omit<RowQuery, "minInlierRatio">> & { minInlierRatio: number | undefined } {
  const offset = query.offset ?? 0;
  const limit = query.limit ?? DEFAULT_ROW_LIMIT;
  if (!Number.isInteger(offset) || offset < 0) throw new DatasetRequestError("offset", String(offset), "must be a whole number ≥ 0");
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_ROW_LIMIT) throw new DatasetRequestError("limit", String(limit), `must be a whole number from 1 to ${MAX_ROW_LIMIT}`);
  const sort = query.sort ?? "id";
  if (!ROW_SORT_KEYS.includes(sort)) throw new DatasetRequestError("sort", String(sort), `must be one of ${ROW_SORT_KEYS.join(", ")}`);
  const order = query.order ?? "asc";
  if (order !== "asc" && order !== "desc") throw new DatasetRequestError("order", String(order), "must be asc or desc");
  const min = query.minInlierRatio;
  if (min !== undefined && !(Number.isFinite(min) && min >= 0 && min <= 1)) throw new DatasetRequestError("minInlierRatio", String(min), "must be a number from 0 to 1");
  return { offset, limit, sort, order, minInlierRatio: min };
}

/** Reads partition rows through a shared cache of decoded tables. */
export class PartitionRows {
  constructor(private readonly cache: TableCache = new TableCache()) {}

  private async summaries(served: ServedPartition): Promise<{ base: "chunked" | "index"; rows: Summary[] }> {
    const { dir } = served.dataset;
    const p = served.partition;
    const chunks = await this.cache.rowsById(stepPath(dir, p, "chunked"), chunkedTable, ["id", "alignment", "artist"]);
    if (chunks !== undefined) {
      return { base: "chunked", rows: [...chunks.values()].map((row) => ({ id: row.id as string, artist: (row.artist as string | null | undefined) ?? null, alignment: (row.alignment as AlignmentRecord | null) ?? null, lyrics: null })) };
    }
    const songs = (await this.cache.rowsById(stepPath(dir, p, "index"), indexTable, ["id", "raw_lyrics", "lrc_lyrics", "artist"])) ?? new Map();
    const alignments = await this.cache.rowsById(stepPath(dir, p, "alignment"), alignmentTable, ["id", "alignment"]);
    return {
      base: "index",
      rows: [...songs.values()].map((row) => ({
        id: row.id as string,
        artist: (row.artist as string | null | undefined) ?? null,
        alignment: (alignments?.get(row.id as string)?.alignment as AlignmentRecord | null | undefined) ?? null,
        lyrics: (row.raw_lyrics as string | null | undefined) ?? (row.lrc_lyrics as string | null | undefined) ?? null,
      })),
    };
  }

  /** One page of rows, filtered and sorted (ties keep file order). */
  async page(served: ServedPartition, query: RowQuery = {}): Promise<RowPage> {
    const { offset, limit, sort, order, minInlierRatio } = checkRowQuery(query);
    const { base, rows } = await this.summaries(served);
    const kept = minInlierRatio === undefined ? rows : rows.filter((row) => (row.alignment?.inlier_ratio ?? -1) >= minInlierRatio);
    const sorted = kept.map((row, index) => ({ row, index }));
    const direction = order === "desc" ? -1 : 1;
    sorted.sort((a, b) => compareRows(a.row, b.row, sort, direction) || a.index - b.index);
    const window = sorted.slice(offset, offset + limit).map(({ row }) => row);

    const { dir } = served.dataset;
    const p = served.partition;
    const folder = join(dir, String(p));
    const codec = base === "chunked" ? await atoksCodecOf(folder) : null;
    const [stoks, atoksVocals, atoksInstrumental, vocals, instrumental] = await Promise.all([
      base === "chunked" ? this.cache.rowsById(stepPath(dir, p, "stoks"), stoksTable, ["id", "values"]) : undefined,
      codec === null ? undefined : this.cache.rowsById(stepPath(dir, p, `atoks_vocals_${codec}`), atoksTable("vocals", codec), ["id", "values"]),
      codec === null ? undefined : this.cache.rowsById(stepPath(dir, p, `atoks_no_vocals_${codec}`), atoksTable("no_vocals", codec), ["id", "values"]),
      base === "chunked" ? this.cache.rowsById(stepPath(dir, p, "vocals"), stemTable("vocals"), ["id"]) : undefined,
      base === "chunked" ? this.cache.rowsById(stepPath(dir, p, "no_vocals"), stemTable("no_vocals"), ["id"]) : undefined,
    ]);
    const values = (table: ReadonlyMap<string, Readonly<Record<string, unknown>>> | undefined, id: string): Int32Array | null => (table?.get(id)?.values as Int32Array | undefined) ?? null;
    return {
      total: kept.length,
      offset,
      base,
      atoksCodec: codec,
      rows: window.map((row) => ({
        id: row.id,
        artist: row.artist,
        inlier_ratio: row.alignment?.inlier_ratio ?? null,
        alignment: row.alignment,
        lyrics: row.lyrics,
        stoks: values(stoks, row.id),
        atoks_vocals: values(atoksVocals, row.id),
        atoks_no_vocals: values(atoksInstrumental, row.id),
        has_vocals: vocals?.has(row.id) ?? false,
        has_instrumental: instrumental?.has(row.id) ?? false,
      })),
    };
  }
}
