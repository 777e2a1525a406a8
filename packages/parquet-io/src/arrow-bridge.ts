/**
 * Rows of a partition table → an Apache Arrow table and its IPC stream, for programs that read
 * the data elsewhere (a browser, pyarrow, DuckDB) without a Parquet reader. Token lists stay typed
 * (`List<Int32>`), embeddings `List<Float32>`, and an alignment becomes a struct of what a viewer
 * shows: the words with their start and end times (`List<Float32>`), the lines with their word
 * counts, the inlier ratio and the LRC offset. Binary cells (audio) are left out unless asked for:
 * a megabyte of audio per row belongs behind its own request, not inside a page of rows.
 */
import {
  Binary,
  Bool,
  type Data,
  type DataType,
  Field,
  Float32,
  Float64,
  Int32,
  List,
  RecordBatch,
  Schema,
  Struct,
  Table,
  Utf8,
  makeData,
  tableToIPC,
  vectorFromArray,
} from "apache-arrow";

import { type AlignmentRecord, alignmentWordSpans } from "./alignment.js";
import { ArrowRowError } from "./errors.js";
import type { ColumnType } from "./schema.js";

/** What a column becomes in Arrow: a step table's column type, or a plain number or flag a caller derived. */
export type ArrowColumnType = ColumnType | "number" | "boolean";

/** One column of the Arrow table: the row field it is read from and how it is typed. */
export interface ArrowColumn {
  readonly name: string;
  readonly type: ArrowColumnType;
  /** Cells may be null or undefined (they become Arrow nulls); otherwise a missing cell is an error. */
  readonly nullable: boolean;
}

export interface ArrowBridgeOptions {
  /** Keep `binary` columns (as Arrow `Binary`); by default they are dropped. */
  readonly includeBinary?: boolean;
  /** Key/value metadata of the schema (a page's total row count, the codec of its tokens, …). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** The struct an `alignment` column becomes (field order as listed). */
export const ARROW_ALIGNMENT_TYPE = new Struct([
  new Field("words", new List(new Field("item", new Utf8(), false)), false),
  new Field("word_starts", new List(new Field("item", new Float32(), false)), false),
  new Field("word_ends", new List(new Field("item", new Float32(), false)), false),
  new Field("lines", new List(new Field("item", new Utf8(), false)), false),
  new Field("words_per_line", new List(new Field("item", new Int32(), false)), false),
  new Field("inlier_ratio", new Float64(), true),
  new Field("lrclib_offset", new Float64(), true),
]);

/** The Arrow type of a column type. */
export function arrowTypeOf(type: ArrowColumnType): DataType {
  switch (type) {
    case "string":
      return new Utf8();
    case "binary":
      return new Binary();
    case "int-list":
      return new List(new Field("item", new Int32(), false));
    case "float-list":
      return new List(new Field("item", new Float32(), false));
    case "alignment":
      return ARROW_ALIGNMENT_TYPE;
    case "number":
      return new Float64();
    case "boolean":
      return new Bool();
  }
}

/** Builds an Arrow table of `rows` (plain objects keyed by column name) with the given columns, in order. */
export function rowsToArrowTable(columns: readonly ArrowColumn[], rows: readonly Readonly<Record<string, unknown>>[], options: ArrowBridgeOptions = {}): Table {
  const kept = columns.filter((column) => column.type !== "binary" || options.includeBinary === true);
  const fields: Field[] = [];
  const children: Data[] = [];
  for (const column of kept) {
    const cells = rows.map((row, index) => checkedCell(column, row[column.name], index));
    const data = columnData(column.type, cells);
    fields.push(new Field(column.name, data.type, column.nullable));
    children.push(data);
  }
  // One record batch with an explicit schema keeps each field's nullability (Table's
  // record-of-vectors form would mark every field nullable).
  const schema = new Schema(fields, new Map(Object.entries(options.metadata ?? {})));
  const batch = new RecordBatch(schema, makeData({ type: new Struct(fields), length: rows.length, children }));
  return new Table(schema, [batch]);
}

/** The same table as an Arrow IPC stream (`application/vnd.apache.arrow.stream`). */
export function rowsToArrowIpc(columns: readonly ArrowColumn[], rows: readonly Readonly<Record<string, unknown>>[], options: ArrowBridgeOptions = {}): Uint8Array {
  return tableToIPC(rowsToArrowTable(columns, rows, options), "stream");
}

function checkedCell(column: ArrowColumn, value: unknown, index: number): unknown {
  if (value === null || value === undefined) {
    if (!column.nullable) throw new ArrowRowError(column.name, index, `no value, and the column (${column.type}) is not nullable`);
    return null;
  }
  return value;
}

function validity(cells: readonly unknown[]): { nullCount: number; nullBitmap: Uint8Array | undefined } {
  const nullCount = cells.reduce<number>((count, cell) => count + (cell === null ? 1 : 0), 0);
  if (nullCount === 0) return { nullCount, nullBitmap: undefined };
  const nullBitmap = new Uint8Array(Math.ceil(cells.length / 8));
  cells.forEach((cell, i) => {
    if (cell !== null) nullBitmap[i >> 3]! |= 1 << (i & 7);
  });
  return { nullCount, nullBitmap };
}

function columnData(type: ArrowColumnType, cells: readonly unknown[]): Data {
  switch (type) {
    case "string":
      return vectorFromArray(cells as (string | null)[], new Utf8()).data[0]!;
    case "binary":
      return vectorFromArray(cells as (Uint8Array | null)[], new Binary()).data[0]!;
    case "number":
      return vectorFromArray(cells as (number | null)[], new Float64()).data[0]!;
    case "boolean":
      return vectorFromArray(cells as (boolean | null)[], new Bool()).data[0]!;
    case "int-list":
      return typedListData(new Int32(), cells as (ArrayLike<number> | null)[]);
    case "float-list":
      return typedListData(new Float32(), cells as (ArrayLike<number> | null)[]);
    case "alignment":
      return alignmentData(cells as (AlignmentRecord | null)[]);
  }
}

/** A `List<Int32|Float32>` column as one flat typed child and offsets: no per-value builder. */
function typedListData(item: Int32 | Float32, cells: readonly (ArrayLike<number> | null)[]): Data<List> {
  const valueOffsets = new Int32Array(cells.length + 1);
  cells.forEach((cell, i) => {
    valueOffsets[i + 1] = valueOffsets[i]! + (cell?.length ?? 0);
  });
  const total = valueOffsets[cells.length]!;
  const flat = item instanceof Int32 ? new Int32Array(total) : new Float32Array(total);
  cells.forEach((cell, i) => {
    if (cell !== null) flat.set(cell, valueOffsets[i]!);
  });
  const child: Data = flat instanceof Int32Array ? makeData({ type: new Int32(), length: total, data: flat }) : makeData({ type: new Float32(), length: total, data: flat });
  const type: List = new List(new Field("item", child.type, false));
  return makeData({ type, length: cells.length, ...validity(cells), valueOffsets, child });
}

function stringListData(cells: readonly (readonly string[] | null)[]): Data {
  return vectorFromArray(
    cells.map((cell) => (cell === null ? [] : [...cell])),
    new List(new Field("item", new Utf8(), false)),
  ).data[0]!;
}

function alignmentData(cells: readonly (AlignmentRecord | null)[]): Data<Struct> {
  const spans = cells.map((cell) => (cell === null ? null : alignmentWordSpans(cell)));
  const starts = spans.map((span) => (span === null ? null : Float32Array.from(span.starts)));
  const ends = spans.map((span) => (span === null ? null : Float32Array.from(span.starts, (start, i) => start + span.durations[i]!)));
  const children = [
    stringListData(cells.map((cell) => cell?.words ?? null)),
    typedListData(new Float32(), starts),
    typedListData(new Float32(), ends),
    stringListData(cells.map((cell) => cell?.lines ?? null)),
    typedListData(new Int32(), cells.map((cell) => cell?.words_per_line ?? null)),
    vectorFromArray(cells.map((cell) => cell?.inlier_ratio ?? null), new Float64()).data[0]!,
    vectorFromArray(cells.map((cell) => cell?.lrclib_offset ?? null), new Float64()).data[0]!,
  ];
  return makeData({ type: ARROW_ALIGNMENT_TYPE, length: cells.length, ...validity(cells), children });
}
