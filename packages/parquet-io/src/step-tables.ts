/** The step tables of the partition layout (DESIGN.md §1), with the upstream column names, and their typed rows. */
import type { AlignmentRecord } from "./alignment.js";
import { type TableSchema, defineColumn as column, defineTable } from "./schema.js";

/** `index.parquet`: the input songs. */
export interface IndexRow {
  id: string;
  audio: Uint8Array;
  lrc_lyrics?: string | null;
  raw_lyrics?: string | null;
  artist?: string | null;
}

/** `alignment.parquet`: one alignment per song (null where alignment failed). */
export interface AlignmentRow {
  id: string;
  alignment: AlignmentRecord | null;
}

/** `chunked.parquet`: 30 s chunks `<song>_at_<second>` with their audio and sliced alignment. */
export interface ChunkedRow {
  id: string;
  audio: Uint8Array;
  alignment: AlignmentRecord | null;
  artist?: string | null;
}

/** `vocals.parquet` / `no_vocals.parquet`: one separated stem per chunk. */
export interface AudioRow {
  id: string;
  audio: Uint8Array;
}

/** `atoks_<src>_<codec>.parquet` and `stoks.parquet`: flattened token values. */
export interface TokensRow {
  id: string;
  values: Int32Array;
}

/** `artist_embs.parquet`: 3 × 256 floats per 30 s chunk. */
export interface ArtistEmbsRow {
  id: string;
  embs: Float32Array;
}

/** `main.parquet` of a constructed dataset. */
export interface MainRow {
  id: string;
  atoks: Int32Array;
  mtoks: Int32Array;
  stoks: Int32Array;
  embs: Float32Array;
  alignment: AlignmentRecord | null;
}

const idColumn = column("id", "string");

export const indexTable = defineTable<IndexRow>("index", [
  idColumn,
  column("audio", "binary"),
  column("lrc_lyrics", "string", { nullable: true, optional: true }),
  column("raw_lyrics", "string", { nullable: true, optional: true }),
  column("artist", "string", { nullable: true, optional: true }),
]);

export const alignmentTable = defineTable<AlignmentRow>("alignment", [
  idColumn,
  column("alignment", "alignment", { nullable: true }),
]);

export const chunkedTable = defineTable<ChunkedRow>("chunked", [
  idColumn,
  column("audio", "binary"),
  column("alignment", "alignment", { nullable: true }),
  column("artist", "string", { nullable: true, optional: true }),
]);

/** `vocals` or `no_vocals`: the stems written by source separation. */
export function stemTable(stem: "vocals" | "no_vocals"): TableSchema<AudioRow> {
  return defineTable<AudioRow>(stem, [idColumn, column("audio", "binary")]);
}

/** `atoks_<src>_<codec>`: acoustic tokens of a source (`chunked`, `vocals`, `no_vocals`) by a codec. */
export function atoksTable(source: string, codec = "snac_32khz"): TableSchema<TokensRow> {
  return defineTable<TokensRow>(`atoks_${source}_${codec}`, [idColumn, column("values", "int-list")]);
}

export const stoksTable = defineTable<TokensRow>("stoks", [idColumn, column("values", "int-list")]);

export const artistEmbsTable = defineTable<ArtistEmbsRow>("artist_embs", [idColumn, column("embs", "float-list")]);

/** `main` (or another `--name`): the constructed training table. */
export function mainTable(name = "main"): TableSchema<MainRow> {
  return defineTable<MainRow>(name, [
    idColumn,
    column("atoks", "int-list"),
    column("mtoks", "int-list"),
    column("stoks", "int-list"),
    column("embs", "float-list"),
    column("alignment", "alignment", { nullable: true }),
  ]);
}

/**
 * The schema of a step table by its file name without `.parquet` (`index`, `chunked`,
 * `atoks_vocals_snac_32khz`, `main`, …), or undefined for a table no step writes (`truth`, a
 * constructed table under another `--name`): what `datasetInfo` checks a file's columns against.
 */
export function stepTableByName(name: string): TableSchema<unknown> | undefined {
  const fixed: Record<string, TableSchema<unknown>> = {
    index: indexTable as TableSchema<unknown>,
    alignment: alignmentTable as TableSchema<unknown>,
    chunked: chunkedTable as TableSchema<unknown>,
    vocals: stemTable("vocals") as TableSchema<unknown>,
    no_vocals: stemTable("no_vocals") as TableSchema<unknown>,
    stoks: stoksTable as TableSchema<unknown>,
    artist_embs: artistEmbsTable as TableSchema<unknown>,
    main: mainTable() as TableSchema<unknown>,
  };
  if (Object.hasOwn(fixed, name)) return fixed[name];
  const atoks = /^atoks_(chunked|vocals|no_vocals)_(.+)$/.exec(name);
  return atoks === null ? undefined : (atoksTable(atoks[1]!, atoks[2]) as TableSchema<unknown>);
}
