/**
 * Streaming reader of one step-table file: row group by row group, only the requested columns,
 * each value checked against the table's column types. Memory holds one row group of the
 * projected columns (plus the footer), whatever the file's size.
 */
import { open, type FileHandle } from "node:fs/promises";

import { type AsyncBuffer, type FileMetaData, type SchemaTree, parquetMetadataAsync, parquetRead, parquetSchema } from "hyparquet";
import { compressors } from "hyparquet-compressors";

import { ColumnTypeError, MissingColumnError, ParquetFileError } from "./errors.js";
import { readNumberListColumn } from "./list-reader.js";
import { CellTypeError, decodeCell } from "./cell-values.js";
import { checkColumnSchema, expectedTypeName } from "./column-schema-check.js";
import type { ColumnDef, TableSchema } from "./schema.js";

/** An open file handle as hyparquet's AsyncBuffer: each slice is one positioned read, no stream. */
async function fileAsyncBuffer(file: string): Promise<{ buffer: AsyncBuffer; handle: FileHandle }> {
  const handle = await open(file, "r");
  const { size } = await handle.stat();
  const buffer: AsyncBuffer = {
    byteLength: size,
    async slice(start: number, end?: number): Promise<ArrayBuffer> {
      const stop = Math.min(end ?? size, size);
      const bytes = new Uint8Array(Math.max(0, stop - start));
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, start + done);
        if (bytesRead === 0) throw new Error(`unexpected end of file at byte ${start + done} of ${size}`);
        done += bytesRead;
      }
      return bytes.buffer;
    },
  };
  return { buffer, handle };
}

/** Options of {@link TableReader.rowGroups}. */
export interface ReadOptions<K extends string> {
  /** Columns to read (projection); all the table's columns present in the file when omitted. */
  readonly columns?: readonly K[];
}

/** A step-table file opened for streaming. Close it (or iterate to the end) to release the handle. */
export class TableReader<Row> {
  private constructor(
    readonly file: string,
    readonly table: TableSchema<Row>,
    private readonly buffer: AsyncBuffer,
    private readonly handle: FileHandle,
    readonly metadata: FileMetaData,
    /** Top-level columns of the file by name. */
    private readonly fileColumns: Map<string, SchemaTree>,
  ) {}

  /**
   * Opens `file` and checks its footer: a missing, truncated or non-Parquet file throws
   * ParquetFileError; a required column of `table` that is absent throws MissingColumnError;
   * one of the wrong type throws ColumnTypeError. Nothing else is read yet.
   */
  static async open<Row>(file: string, table: TableSchema<Row>): Promise<TableReader<Row>> {
    let opened: { buffer: AsyncBuffer; handle: FileHandle };
    try {
      opened = await fileAsyncBuffer(file);
    } catch (error) {
      throw new ParquetFileError(file, `cannot open: ${(error as Error).message}`, { cause: error });
    }
    try {
      let metadata: FileMetaData;
      try {
        metadata = await parquetMetadataAsync(opened.buffer);
      } catch (error) {
        throw new ParquetFileError(file, `not a readable Parquet file (truncated or corrupt footer): ${(error as Error).message}`, {
          cause: error,
        });
      }
      const root = parquetSchema(metadata);
      const fileColumns = new Map(root.children.map((child) => [child.element.name, child]));
      const reader = new TableReader(file, table, opened.buffer, opened.handle, metadata, fileColumns);
      for (const def of table.columns) if (fileColumns.has(def.name) || !def.optional) reader.checkColumn(def);
      return reader;
    } catch (error) {
      await opened.handle.close();
      throw error;
    }
  }

  private checkColumn(def: ColumnDef): void {
    const node = this.fileColumns.get(def.name);
    if (!node) throw new MissingColumnError(this.file, def.name, [...this.fileColumns.keys()]);
    const mismatch = checkColumnSchema(node, def.type);
    if (mismatch !== undefined) throw new ColumnTypeError(this.file, def.name, expectedTypeName(def.type), mismatch);
  }

  /** Rows in the file. */
  get numRows(): number {
    return Number(this.metadata.num_rows);
  }

  /** Row groups in the file (the unit of streaming). */
  get numRowGroups(): number {
    return this.metadata.row_groups.length;
  }

  /** Names of the file's top-level columns. */
  get columnNames(): string[] {
    return [...this.fileColumns.keys()];
  }

  /** Whether the file has a column (an optional column may be absent). */
  hasColumn(name: string): boolean {
    return this.fileColumns.has(name);
  }

  private resolveColumns(columns: readonly string[] | undefined): ColumnDef[] {
    if (columns === undefined) return this.table.columns.filter((def) => this.fileColumns.has(def.name));
    return columns.map((name) => {
      const def = this.table.columns.find((candidate) => candidate.name === name);
      if (!def) {
        throw new MissingColumnError(this.file, name, this.table.columns.map((c) => c.name));
      }
      if (!this.fileColumns.has(name)) this.checkColumn(def);
      return def;
    });
  }

  /** Reads one row group of the given columns into typed rows. */
  async readRowGroup<K extends keyof Row & string>(index: number, options: ReadOptions<K> = {}): Promise<Pick<Row, K>[]> {
    const defs = this.resolveColumns(options.columns);
    let rowStart = 0;
    for (let g = 0; g < index; g += 1) rowStart += Number(this.metadata.row_groups[g]?.num_rows ?? 0n);
    const group = this.metadata.row_groups[index];
    if (!group) throw new ParquetFileError(this.file, `row group ${index} does not exist (file has ${this.numRowGroups})`);
    const rowEnd = rowStart + Number(group.num_rows);
    const rows: Record<string, unknown>[] = Array.from({ length: rowEnd - rowStart }, () => ({}));
    // One column at a time, so a decoding failure names its column.
    for (const def of defs) {
      let values: unknown[] = [];
      try {
        if (def.type === "int-list" || def.type === "float-list") {
          const lists = await readNumberListColumn(this.buffer, this.metadata, index, def.name, def.type === "int-list" ? "int" : "float", compressors);
          if (lists) {
            if (lists.length !== rows.length) throw new Error(`decoded ${lists.length} of ${rows.length} rows`);
            lists.forEach((list, i) => {
              if (list === null && !def.nullable) {
                throw new ColumnTypeError(this.file, def.name, expectedTypeName(def.type), "null in a non-nullable column", rowStart + i);
              }
              (rows[i] as Record<string, unknown>)[def.name] = list;
            });
            continue;
          }
        }
        await parquetRead({
          file: this.buffer,
          metadata: this.metadata,
          columns: [def.name],
          rowStart,
          rowEnd,
          utf8: false,
          compressors,
          onComplete: (decoded: unknown[][]) => {
            values = decoded.map((row) => row[0]);
          },
        });
      } catch (error) {
        if (error instanceof ColumnTypeError) throw error;
        throw new ParquetFileError(this.file, `column "${def.name}" row group ${index}: cannot decode: ${(error as Error).message}`, {
          cause: error,
        });
      }
      if (values.length !== rows.length) {
        throw new ParquetFileError(this.file, `column "${def.name}" row group ${index}: decoded ${values.length} of ${rows.length} rows`);
      }
      for (let i = 0; i < rows.length; i += 1) {
        try {
          (rows[i] as Record<string, unknown>)[def.name] = decodeCell(def, values[i]);
        } catch (error) {
          if (error instanceof CellTypeError) {
            throw new ColumnTypeError(this.file, def.name, expectedTypeName(def.type), error.actual, rowStart + i);
          }
          throw error;
        }
      }
    }
    return rows as Pick<Row, K>[];
  }

  /** Streams the file row group by row group; closes the file when the iteration ends or breaks. */
  async *rowGroups<K extends keyof Row & string>(options: ReadOptions<K> = {}): AsyncGenerator<Pick<Row, K>[]> {
    try {
      for (let g = 0; g < this.numRowGroups; g += 1) yield await this.readRowGroup(g, options);
    } finally {
      await this.close();
    }
  }

  /** Streams single rows (row groups under the hood). */
  async *rows<K extends keyof Row & string>(options: ReadOptions<K> = {}): AsyncGenerator<Pick<Row, K>> {
    for await (const group of this.rowGroups(options)) yield* group;
  }

  /** Reads every row group into one array (only for files known to be small). */
  async readAll<K extends keyof Row & string>(options: ReadOptions<K> = {}): Promise<Pick<Row, K>[]> {
    const out: Pick<Row, K>[] = [];
    for await (const group of this.rowGroups(options)) for (const row of group) out.push(row);
    return out;
  }

  private closed = false;

  /** Releases the file handle (idempotent). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

/** Opens a step-table file for streaming; see {@link TableReader.open}. */
export function openTable<Row>(file: string, table: TableSchema<Row>): Promise<TableReader<Row>> {
  return TableReader.open(file, table);
}

/** Reads a whole (small) step-table file, optionally projected. */
export async function readTable<Row, K extends keyof Row & string>(
  file: string,
  table: TableSchema<Row>,
  options: ReadOptions<K> = {},
): Promise<Pick<Row, K>[]> {
  const reader = await openTable(file, table);
  return reader.readAll(options);
}
