/**
 * The column types and table definitions of the partition layout (DESIGN.md §1). Each column
 * type knows its Parquet schema (`parquet-schema.ts`, as pandas/pyarrow write it), how to check
 * a file's column against it (`column-schema-check.ts`), and how to turn decoded values into
 * typed JS values and back (`cell-values.ts`); the step tables themselves are in `step-tables.ts`.
 */
import type { AlignmentRecord } from "./alignment.js";

/** The kinds of column the step tables use. */
export type ColumnType = "string" | "binary" | "int-list" | "float-list" | "alignment";

/** JS value of a column type (null where the column is nullable and the cell is null). */
export interface ColumnValues {
  string: string;
  binary: Uint8Array;
  /** Token lists: int64 in Parquet (as upstream writes them); held as Int32Array since codes are small. */
  "int-list": Int32Array;
  /** Float lists (artist embeddings): float32 in Parquet. */
  "float-list": Float32Array;
  alignment: AlignmentRecord;
}

/** One column of a step table. */
export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  /** Cells may be null (the alignment of a song that could not be aligned). */
  readonly nullable: boolean;
  /** The column may be absent from a file (index.parquet's lyric columns). */
  readonly optional: boolean;
}

/** A step table: its file stem (`<stem>.parquet`) and columns. `Row` is the typed row it reads and writes. */
export interface TableSchema<Row> {
  readonly name: string;
  readonly columns: readonly ColumnDef[];
  /** Phantom marker carrying the row type; never set at run time. */
  readonly __row?: Row;
}

function column(name: string, type: ColumnType, options: { nullable?: boolean; optional?: boolean } = {}): ColumnDef {
  return { name, type, nullable: options.nullable ?? false, optional: options.optional ?? false };
}

/** Defines a step table; use it for tables the layout does not list. */
export function defineTable<Row>(name: string, columns: readonly ColumnDef[]): TableSchema<Row> {
  return { name, columns };
}

export { column as defineColumn };
