/**
 * Column types and step-table schemas of the partition layout (DESIGN.md §1), with the upstream
 * column names. Each column type knows its Parquet schema (as pandas/pyarrow write it), how to
 * check a file's column against it, and how to turn decoded values into typed JS values and back.
 */
import type { SchemaElement, SchemaTree } from "hyparquet";

import { type AlignmentRecord, makeAlignment } from "./alignment.js";
import { ParquetIoError } from "./errors.js";

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

// ---------------------------------------------------------------------------------------------
// Parquet schema (writing)

function listElements(name: string, leaf: SchemaElement): SchemaElement[] {
  // The three-level LIST layout pyarrow writes (`<name>.list.element`), which every engine reads.
  return [
    { name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { ...leaf, name: "element", repetition_type: "OPTIONAL" },
  ];
}

const stringLeaf: SchemaElement = {
  name: "",
  type: "BYTE_ARRAY",
  converted_type: "UTF8",
  logical_type: { type: "STRING" },
};

/** The alignment struct's fields and Parquet leaf types (float64 times, int64 counts, as numpy writes them). */
export const alignmentFields: readonly { name: keyof AlignmentRecord; leaf: "DOUBLE" | "INT64" | "STRING"; list: boolean }[] = [
  { name: "starts", leaf: "DOUBLE", list: true },
  { name: "ends", leaf: "DOUBLE", list: true },
  { name: "scores", leaf: "DOUBLE", list: true },
  { name: "tokens", leaf: "INT64", list: true },
  { name: "words", leaf: "STRING", list: true },
  { name: "lines", leaf: "STRING", list: true },
  { name: "tokens_per_word", leaf: "INT64", list: true },
  { name: "words_per_line", leaf: "INT64", list: true },
  { name: "inlier_ratio", leaf: "DOUBLE", list: false },
  { name: "lrclib_offset", leaf: "DOUBLE", list: false },
];

function leafElement(leaf: "DOUBLE" | "INT64" | "STRING" | "FLOAT"): SchemaElement {
  return leaf === "STRING" ? { ...stringLeaf } : { name: "", type: leaf };
}

/** Parquet schema elements (depth-first, as the footer stores them) of one column. */
export function columnSchemaElements(def: ColumnDef): SchemaElement[] {
  // Every column is written OPTIONAL, as pandas/pyarrow do, so files stay concatenable with theirs.
  const repetition = "OPTIONAL" as const;
  switch (def.type) {
    case "string":
      return [{ ...stringLeaf, name: def.name, repetition_type: repetition }];
    case "binary":
      return [{ name: def.name, type: "BYTE_ARRAY", repetition_type: repetition }];
    case "int-list":
      return listElements(def.name, { name: "", type: "INT64" });
    case "float-list":
      return listElements(def.name, { name: "", type: "FLOAT" });
    case "alignment": {
      const children = alignmentFields.flatMap((field) =>
        field.list
          ? listElements(field.name, leafElement(field.leaf))
          : [{ ...leafElement(field.leaf), name: field.name, repetition_type: "OPTIONAL" as const }],
      );
      return [{ name: def.name, repetition_type: "OPTIONAL", num_children: alignmentFields.length }, ...children];
    }
  }
}

/** The whole Parquet schema of a table (root first). */
export function tableSchemaElements(columns: readonly ColumnDef[]): SchemaElement[] {
  return [{ name: "schema", num_children: columns.length }, ...columns.flatMap(columnSchemaElements)];
}

// ---------------------------------------------------------------------------------------------
// Checking a file's column against a column type

/** Human-readable type of a file's column, for error messages. */
export function describeSchemaNode(node: SchemaTree): string {
  const element = node.element;
  const annotation = element.logical_type?.type ?? element.converted_type;
  if (node.children.length === 0) return `${element.type ?? "?"}${annotation ? `(${annotation})` : ""}`;
  if (annotation === "LIST" || annotation === "MAP") {
    const leaf = listLeaf(node);
    return `${annotation.toLowerCase()}<${leaf ? describeSchemaNode(leaf) : "?"}>`;
  }
  return `struct<${node.children.map((child) => `${child.element.name}: ${describeSchemaNode(child)}`).join(", ")}>`;
}

/** The leaf of a list column (`name.list.element`, or the legacy two-level form). */
function listLeaf(node: SchemaTree): SchemaTree | undefined {
  let current: SchemaTree | undefined = node;
  while (current && current.children.length > 0) {
    if (current.children.length !== 1) return undefined;
    current = current.children[0];
  }
  return current === node ? undefined : current;
}

function isList(node: SchemaTree): boolean {
  const annotation = node.element.logical_type?.type ?? node.element.converted_type;
  return annotation === "LIST" || node.children[0]?.element.repetition_type === "REPEATED";
}

function isStringLeaf(node: SchemaTree): boolean {
  return node.children.length === 0 && node.element.type === "BYTE_ARRAY";
}

function isNumberLeaf(node: SchemaTree, kinds: readonly string[]): boolean {
  return node.children.length === 0 && kinds.includes(node.element.type ?? "");
}

const expectedNames: Record<ColumnType, string> = {
  string: "BYTE_ARRAY(UTF8)",
  binary: "BYTE_ARRAY",
  "int-list": "list<INT32|INT64>",
  "float-list": "list<FLOAT|DOUBLE>",
  alignment: "struct<starts, ends, scores, tokens, words, lines, tokens_per_word, words_per_line, inlier_ratio, lrclib_offset>",
};

/** Expected type of a column type, for error messages. */
export function expectedTypeName(type: ColumnType): string {
  return expectedNames[type];
}

/**
 * Checks a file's column against a column type; returns a reason when it does not match.
 * Accepts what pandas/pyarrow and DuckDB write: int16/int32/int64 lists, float/double lists,
 * `large_binary` (plain BYTE_ARRAY in Parquet), an all-null `inlier_ratio` (Arrow's null type).
 */
export function checkColumnSchema(node: SchemaTree, type: ColumnType): string | undefined {
  switch (type) {
    case "string":
    case "binary":
      return isStringLeaf(node) ? undefined : describeSchemaNode(node);
    case "int-list":
    case "float-list": {
      const leaf = isList(node) ? listLeaf(node) : undefined;
      const kinds = type === "int-list" ? ["INT32", "INT64"] : ["FLOAT", "DOUBLE"];
      return leaf && isNumberLeaf(leaf, kinds) ? undefined : describeSchemaNode(node);
    }
    case "alignment": {
      if (node.children.length === 0 || isList(node)) return describeSchemaNode(node);
      for (const field of alignmentFields) {
        const child = node.children.find((c) => c.element.name === field.name);
        if (!child) {
          if (!field.list) continue; // upstream may drop an all-null scalar; read as null
          return `${describeSchemaNode(node)} (no field "${field.name}")`;
        }
        if (field.list) {
          const leaf = isList(child) ? listLeaf(child) : undefined;
          const ok =
            leaf !== undefined &&
            (field.leaf === "STRING" ? isStringLeaf(leaf) : isNumberLeaf(leaf, field.leaf === "INT64" ? ["INT32", "INT64"] : ["FLOAT", "DOUBLE"]));
          if (!ok) return `${describeSchemaNode(node)} (field "${field.name}" is ${describeSchemaNode(child)})`;
        } else if (child.children.length > 0) {
          return `${describeSchemaNode(node)} (field "${field.name}" is ${describeSchemaNode(child)})`;
        }
      }
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Decoding values read by hyparquet into typed values, and encoding them for hyparquet-writer

/** A decoded cell that does not fit its column type; the reader adds file, column and row. */
export class CellTypeError extends ParquetIoError {
  constructor(readonly actual: string) {
    super(actual);
  }
}

function describeValue(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return `array(${value.length})`;
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  if (typeof value === "string") return `string ${JSON.stringify(value.slice(0, 40))}`;
  return `${typeof value} ${String(value).slice(0, 40)}`;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

function decodeIntList(value: unknown): Int32Array {
  if (value instanceof Int32Array) return value;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new CellTypeError(describeValue(value));
  const source = value as ArrayLike<unknown>;
  const out = new Int32Array(source.length);
  for (let i = 0; i < source.length; i += 1) {
    const item = source[i];
    const number = typeof item === "bigint" ? Number(item) : item;
    if (typeof number !== "number" || !Number.isInteger(number) || number < -0x80000000 || number > 0x7fffffff) {
      throw new CellTypeError(`element ${i} = ${describeValue(item)} (expected an integer that fits 32 bits)`);
    }
    out[i] = number;
  }
  return out;
}

function decodeFloatList(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) throw new CellTypeError(describeValue(value));
  const source = value as ArrayLike<unknown>;
  const out = new Float32Array(source.length);
  for (let i = 0; i < source.length; i += 1) {
    const item = source[i];
    if (typeof item !== "number") throw new CellTypeError(`element ${i} = ${describeValue(item)} (expected a number)`);
    out[i] = item;
  }
  return out;
}

function decodeNumberArray(value: unknown, field: string): number[] {
  if (!Array.isArray(value)) throw new CellTypeError(`field ${field} is ${describeValue(value)}`);
  return value.map((item, i) => {
    const number = typeof item === "bigint" ? Number(item) : item;
    if (typeof number !== "number") throw new CellTypeError(`field ${field} element ${i} = ${describeValue(item)}`);
    return number;
  });
}

function decodeStringArray(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new CellTypeError(`field ${field} is ${describeValue(value)}`);
  return value.map((item, i) => {
    if (typeof item === "string") return item;
    if (item instanceof Uint8Array) return utf8.decode(item);
    throw new CellTypeError(`field ${field} element ${i} = ${describeValue(item)}`);
  });
}

function decodeOptionalNumber(value: unknown, field: string): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "number") return value;
  if (typeof value === "bigint") return Number(value);
  throw new CellTypeError(`field ${field} is ${describeValue(value)}`);
}

function decodeAlignment(value: unknown): AlignmentRecord {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new CellTypeError(describeValue(value));
  const struct = value as Record<string, unknown>;
  try {
    return makeAlignment({
      starts: decodeNumberArray(struct.starts, "starts"),
      ends: decodeNumberArray(struct.ends, "ends"),
      scores: decodeNumberArray(struct.scores, "scores"),
      tokens: decodeNumberArray(struct.tokens, "tokens"),
      words: decodeStringArray(struct.words, "words"),
      lines: decodeStringArray(struct.lines, "lines"),
      tokens_per_word: decodeNumberArray(struct.tokens_per_word, "tokens_per_word"),
      words_per_line: decodeNumberArray(struct.words_per_line, "words_per_line"),
      inlier_ratio: decodeOptionalNumber(struct.inlier_ratio, "inlier_ratio"),
      lrclib_offset: decodeOptionalNumber(struct.lrclib_offset, "lrclib_offset"),
    });
  } catch (error) {
    if (error instanceof CellTypeError) throw error;
    throw new CellTypeError(error instanceof Error ? error.message : String(error));
  }
}

/** Turns one decoded cell into the column type's JS value (null only where the column is nullable). */
export function decodeCell(def: ColumnDef, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (def.nullable) return null;
    throw new CellTypeError("null in a non-nullable column");
  }
  switch (def.type) {
    case "string":
      if (typeof value === "string") return value;
      if (value instanceof Uint8Array) return utf8.decode(value);
      throw new CellTypeError(describeValue(value));
    case "binary":
      if (value instanceof Uint8Array) return value;
      throw new CellTypeError(describeValue(value));
    case "int-list":
      return decodeIntList(value);
    case "float-list":
      return decodeFloatList(value);
    case "alignment":
      return decodeAlignment(value);
  }
}

function toBigIntArray(values: ArrayLike<number>): bigint[] {
  const out = new Array<bigint>(values.length);
  for (let i = 0; i < values.length; i += 1) out[i] = BigInt(values[i] ?? 0);
  return out;
}

function encodeAlignment(record: AlignmentRecord): Record<string, unknown> {
  return {
    starts: Array.from(record.starts),
    ends: Array.from(record.ends),
    scores: Array.from(record.scores),
    tokens: toBigIntArray(record.tokens),
    words: [...record.words],
    lines: [...record.lines],
    tokens_per_word: toBigIntArray(record.tokens_per_word),
    words_per_line: toBigIntArray(record.words_per_line),
    inlier_ratio: record.inlier_ratio,
    lrclib_offset: record.lrclib_offset,
  };
}

/** Turns a typed value into what hyparquet-writer takes for the column (arrays, bigint for INT64). */
export function encodeCell(def: ColumnDef, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (def.nullable || def.optional) return null;
    throw new CellTypeError("null in a non-nullable column");
  }
  switch (def.type) {
    case "string":
      if (typeof value !== "string") throw new CellTypeError(describeValue(value));
      return value;
    case "binary":
      if (!(value instanceof Uint8Array)) throw new CellTypeError(describeValue(value));
      return value;
    case "int-list":
      // A typed array, not BigInts: the row-group writer delta-packs int64 lists from 32-bit numbers.
      return decodeIntList(value);
    case "float-list":
      return decodeFloatList(value);
    case "alignment":
      return encodeAlignment(value as AlignmentRecord);
  }
}

/** Rough in-memory size of a typed cell, to cut row groups by bytes. */
export function cellBytes(value: unknown): number {
  if (value === null || value === undefined) return 1;
  if (typeof value === "string") return value.length + 4;
  if (ArrayBuffer.isView(value)) return value.byteLength + 4;
  if (typeof value === "object") {
    const record = value as AlignmentRecord;
    if (record.starts instanceof Float64Array) return record.starts.length * 40 + record.words.length * 12 + 64;
  }
  return 8;
}
