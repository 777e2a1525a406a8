/**
 * Writes one row group through hyparquet-writer's column encoder, with a fast path for the
 * columns that dominate our files: lists of numbers (token lists, embeddings). hyparquet-writer's
 * generic Dremel walk visits every list element through a recursive function and boxes it in JS
 * arrays; for a `name.list.element` column of typed arrays the levels are trivial (def 3 / rep 0
 * then 1 per element) and the values can stay one concatenated typed array. Everything else
 * (strings, binary, the alignment struct) goes through the library's own Dremel encoder, and the
 * row group bookkeeping mirrors `ParquetWriter.write`.
 */
import type { ColumnChunk, SchemaTree } from "hyparquet";
import type { ParquetWriter } from "hyparquet-writer";
import { writeColumn } from "hyparquet-writer/src/column.js";
import { encodeNestedValues } from "hyparquet-writer/src/dremel.js";
import { schemaPathResolver } from "hyparquet-writer/src/schema.js";
import type { ColumnEncoder, PageData } from "hyparquet-writer/src/types.js";

/** One column of a row group: values already in hyparquet-writer's input form. */
export interface RowGroupColumn {
  readonly name: string;
  readonly data: unknown[];
  /** Typed arrays per row (or null), for `name.list.element` columns of numbers. */
  readonly numberLists?: boolean;
  readonly encoding?: ColumnEncoder["encoding"];
  readonly codec?: ColumnEncoder["codec"];
}

function leafPaths(path: SchemaTree[]): SchemaTree[][] {
  const node = path[path.length - 1];
  if (!node || node.children.length === 0) return [path];
  return node.children.flatMap((child) => leafPaths([...path, child]));
}

/** Levels and values of an OPTIONAL list of OPTIONAL numbers whose rows are typed arrays or null. */
function numberListPageData(rows: readonly unknown[], leafType: string | undefined): PageData {
  let total = 0;
  for (const row of rows) total += row === null || row === undefined ? 1 : Math.max(1, (row as ArrayLike<number>).length);
  const definitionLevels = new Array<number>(total);
  const repetitionLevels = new Array<number>(total);
  // hyparquet-writer expects one value slot per level, `undefined` where the level is below the
  // maximum (a null or empty list): a typed array when every list has values, else a plain array.
  const dense = rows.every((row) => row !== null && row !== undefined && (row as ArrayLike<number>).length > 0);
  const values: Int32Array | Float32Array | Float64Array | (number | undefined)[] = !dense
    ? new Array<number | undefined>(total)
    : leafType === "FLOAT"
      ? new Float32Array(total)
      : leafType === "DOUBLE"
        ? new Float64Array(total)
        : new Int32Array(total);
  let level = 0;
  for (const row of rows) {
    if (row === null || row === undefined || (row as ArrayLike<number>).length === 0) {
      definitionLevels[level] = row === null || row === undefined ? 0 : 1;
      repetitionLevels[level] = 0;
      values[level] = undefined as unknown as number;
      level += 1;
      continue;
    }
    const list = row as ArrayLike<number>;
    definitionLevels.fill(3, level, level + list.length);
    repetitionLevels.fill(1, level, level + list.length);
    repetitionLevels[level] = 0;
    if (Array.isArray(values)) for (let i = 0; i < list.length; i += 1) values[level + i] = list[i];
    else values.set(list, level);
    level += list.length;
  }
  return { values, definitionLevels, repetitionLevels, maxDefinitionLevel: 3 };
}

function isNumberListPath(path: SchemaTree[]): boolean {
  // root, name (OPTIONAL, LIST), list (REPEATED), element (OPTIONAL leaf)
  const [, outer, repeated, leaf] = path;
  return (
    path.length === 4 &&
    outer?.element.repetition_type === "OPTIONAL" &&
    repeated?.element.repetition_type === "REPEATED" &&
    leaf?.element.repetition_type === "OPTIONAL" &&
    leaf.children.length === 0
  );
}

/** Appends one row group of `rows` rows to `parquet` (its writer is drained by the caller's sink). */
export function writeRowGroup(parquet: ParquetWriter, columns: readonly RowGroupColumn[], rows: number): void {
  const resolve = schemaPathResolver(parquet.schema);
  const start = parquet.writer.offset;
  const chunks: ColumnChunk[] = [];
  for (const column of columns) {
    if (column.data.length !== rows) throw new Error(`column ${column.name} has ${column.data.length} rows, expected ${rows}`);
    for (const path of leafPaths(resolve([column.name]))) {
      const schemaPath = path.map((node) => node.element);
      const element = schemaPath[schemaPath.length - 1];
      if (!element) throw new Error(`column ${column.name} has an empty schema path`);
      const pageData =
        column.numberLists === true && isNumberListPath(path)
          ? numberListPageData(column.data, element.type)
          : encodeNestedValues(path, column.data as never);
      const encoder: ColumnEncoder = {
        columnName: schemaPath
          .slice(1)
          .map((s) => s.name)
          .join("."),
        element,
        schemaPath,
        codec: column.codec ?? parquet.codec,
        compressors: parquet.compressors,
        stats: parquet.statistics,
        statisticsTruncateLength: parquet.statisticsTruncateLength,
        pageSize: 1 << 20,
        columnIndex: false,
        offsetIndex: true,
        encoding: column.encoding,
      };
      const result = writeColumn({ writer: parquet.writer, column: encoder, pageData });
      chunks.push(result.chunk);
      parquet.pendingIndexes.push(result);
    }
  }
  let totalByteSize = 0n;
  for (const chunk of chunks) totalByteSize += chunk.meta_data?.total_uncompressed_size ?? 0n;
  parquet.num_rows += BigInt(rows);
  parquet.row_groups.push({
    columns: chunks,
    total_byte_size: totalByteSize,
    num_rows: BigInt(rows),
    total_compressed_size: BigInt(parquet.writer.offset - start),
  });
  parquet.writer.flush?.();
}
