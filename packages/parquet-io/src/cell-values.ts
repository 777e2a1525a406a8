/** Decoding values read by hyparquet into typed values, and encoding them for hyparquet-writer. */
import { type AlignmentRecord, makeAlignment } from "./alignment.js";
import { ParquetIoError } from "./errors.js";
import type { ColumnDef } from "./schema.js";

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
