/**
 * Appending writer of one step-table file that finishes atomically: rows stream into
 * `@autosing/base`'s atomic file (a hidden temporary file in the same directory) and the file
 * appears under its final name only after its footer is written and synced. A crash, an error or
 * `abort()` leaves no file under the final name and never touches an existing one until the rename.
 */
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";

import { type AtomicFile, openAtomicFile, removeStaleTemporaries } from "@autosing/base";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import { snappyCompress } from "hysnappy";

import { ColumnTypeError, WriterStateError } from "./errors.js";
import { type RowGroupColumn, writeRowGroup } from "./row-group.js";
import { CellTypeError, cellBytes, encodeCell } from "./cell-values.js";
import { expectedTypeName } from "./column-schema-check.js";
import { tableSchemaElements } from "./parquet-schema.js";
import type { TableSchema } from "./schema.js";

/** Options of {@link createTableWriter}. */
export interface WriterOptions {
  /** Cut a row group once this many rows are buffered (default 10 000). */
  readonly rowGroupRows?: number;
  /** Cut a row group once the buffered rows hold about this many bytes (default 32 MiB). */
  readonly rowGroupBytes?: number;
  /** Extra key/value metadata for the footer. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * hyparquet-writer's in-memory writer over a fixed 4 MiB buffer, drained to an atomic file
 * whenever the next append would not fit (so the buffer is copied only for larger values).
 */
class AtomicFileByteWriter extends ByteWriter {
  constructor(private readonly file: AtomicFile) {
    super(4 << 20);
  }

  override ensure(size: number): void {
    if (this.index + size > this.buffer.byteLength) this.flush();
    super.ensure(size);
  }

  flush(): void {
    this.file.write(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
  }

  override finish(): void {
    this.flush();
  }
}

/** Writes typed rows of one table to `file`, appending row groups, renamed into place by `finish()`. */
export class TableWriter<Row> {
  private readonly atomicFile: AtomicFile;
  private readonly writer: ParquetWriter;
  private readonly byteWriter: AtomicFileByteWriter;
  private pending: Row[] = [];
  private pendingBytes = 0;
  private state: "open" | "finished" | "aborted" = "open";
  private written = 0;

  constructor(
    readonly file: string,
    readonly table: TableSchema<Row>,
    private readonly options: WriterOptions = {},
  ) {
    this.atomicFile = openAtomicFile(file);
    this.byteWriter = new AtomicFileByteWriter(this.atomicFile);
    this.writer = new ParquetWriter({
      writer: this.byteWriter,
      schema: tableSchemaElements(table.columns),
      codec: "SNAPPY",
      // hysnappy (wasm) compresses token pages several times faster than the built-in JS snappy.
      compressors: { SNAPPY: snappyCompress },
      statistics: false,
      createdBy: "@autosing/parquet-io (hyparquet-writer)",
      kvMetadata: Object.entries(options.metadata ?? {}).map(([key, value]) => ({ key, value })),
    });
  }

  /** The hidden temporary file the rows go to until `finish()` (`.<name>.<host>.<pid>.<n>.tmp` beside `file`). */
  get tempFile(): string {
    return this.atomicFile.temporaryPath;
  }

  /** Rows appended so far (written or buffered). */
  get rowCount(): number {
    return this.written + this.pending.length;
  }

  private assertOpen(): void {
    if (this.state !== "open") throw new WriterStateError(this.file, `writer is ${this.state}; no more rows can be written`);
  }

  /** Buffers rows; writes a row group whenever the buffer reaches the row or byte limit. */
  append(rows: Iterable<Row>): void {
    this.assertOpen();
    const maxRows = this.options.rowGroupRows ?? 10_000;
    const maxBytes = this.options.rowGroupBytes ?? 32 << 20;
    for (const row of rows) {
      this.pending.push(row);
      for (const def of this.table.columns) this.pendingBytes += cellBytes((row as Record<string, unknown>)[def.name]);
      if (this.pending.length >= maxRows || this.pendingBytes >= maxBytes) this.flushRowGroup();
    }
  }

  /** Writes the buffered rows as one row group. */
  flushRowGroup(): void {
    this.assertOpen();
    if (this.pending.length === 0) return;
    const rows = this.pending;
    this.pending = [];
    this.pendingBytes = 0;
    try {
      const columnData = this.table.columns.map((def): RowGroupColumn => {
        const data = rows.map((row, i) => {
          try {
            return encodeCell(def, (row as Record<string, unknown>)[def.name]);
          } catch (error) {
            if (error instanceof CellTypeError) {
              throw new ColumnTypeError(this.file, def.name, expectedTypeName(def.type), error.actual, this.written + i);
            }
            throw error;
          }
        });
        // Audio bytes are already compressed (opus/mp3/flac): snappy and dictionaries only cost time.
        if (def.type === "binary") return { name: def.name, data, encoding: "PLAIN", codec: "UNCOMPRESSED" };
        // Token lists: DELTA_BINARY_PACKED packs 12-bit codes into ~2 bytes each straight from an
        // Int32Array (no BigInt, several times faster than PLAIN int64) and every engine reads it.
        if (def.type === "int-list") return { name: def.name, data, numberLists: true, encoding: "DELTA_BINARY_PACKED" };
        if (def.type === "float-list") return { name: def.name, data, numberLists: true };
        return { name: def.name, data };
      });
      writeRowGroup(this.writer, columnData, rows.length);
      this.written += rows.length;
    } catch (error) {
      this.abort();
      throw error;
    }
  }

  /** Writes the remaining rows and the footer, syncs, and renames the temp file to `file`. */
  finish(): void {
    this.assertOpen();
    try {
      this.flushRowGroup();
      void this.writer.finish();
    } catch (error) {
      this.abort();
      throw error;
    }
    this.state = "finished";
    // Syncs, closes and renames; on failure the atomic file removes its temporary file itself.
    this.atomicFile.commit();
  }

  /** Drops everything written so far; the final file is not created (an existing one is kept). */
  abort(): void {
    if (this.state !== "open") return;
    this.state = "aborted";
    this.atomicFile.abort();
  }
}

/**
 * Creates the directory of `file` and a {@link TableWriter} for it. Temporary files that dead
 * writers left in that directory (a killed run's) are removed first; a live writer's are kept.
 */
export async function createTableWriter<Row>(file: string, table: TableSchema<Row>, options: WriterOptions = {}): Promise<TableWriter<Row>> {
  await mkdir(dirname(file), { recursive: true });
  await removeStaleTemporaries(dirname(file));
  return new TableWriter(file, table, options);
}

/** Writes all `rows` to `file` atomically. */
export async function writeTable<Row>(file: string, table: TableSchema<Row>, rows: Iterable<Row>, options: WriterOptions = {}): Promise<void> {
  const writer = await createTableWriter(file, table, options);
  try {
    writer.append(rows);
    writer.finish();
  } catch (error) {
    writer.abort();
    throw error;
  }
}
