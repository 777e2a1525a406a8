/**
 * Decoded step tables kept in memory between requests, keyed by file, modification time and size
 * (a step that rewrites a table atomically gives it a new key), evicted least recently used past a
 * byte budget. Token lists are parquet-io's slow path (about a million tokens per second per
 * core), so paging through a partition's rows must not decode them again for every page.
 */
import { stat } from "node:fs/promises";

import { type TableSchema, firstById, openTable } from "@autosing/parquet-io";

interface Entry {
  readonly rows: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  readonly bytes: number;
}

/** Approximate bytes of a decoded row: typed arrays by length, everything else a small constant. */
function rowBytes(row: Readonly<Record<string, unknown>>): number {
  let bytes = 64;
  for (const value of Object.values(row)) {
    if (ArrayBuffer.isView(value)) bytes += value.byteLength;
    else if (typeof value === "string") bytes += value.length * 2;
    else if (value !== null && typeof value === "object") bytes += 256;
  }
  return bytes;
}

export class TableCache {
  private readonly entries = new Map<string, Entry>();
  private total = 0;

  constructor(private readonly budgetBytes: number = 256 * 1024 * 1024) {}

  /**
   * The rows of `file` (projected to `columns`, which must not include audio) by id, first row
   * winning on duplicate ids; undefined when the file does not exist.
   */
  async rowsById<Row extends { id: string }>(file: string, table: TableSchema<Row>, columns: readonly (keyof Row & string)[]): Promise<ReadonlyMap<string, Readonly<Record<string, unknown>>> | undefined> {
    let info;
    try {
      info = await stat(file);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const key = `${file}\0${columns.join(",")}\0${info.mtimeMs}\0${info.size}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.rows;
    }
    const reader = await openTable(file, table);
    const present = columns.filter((name) => name === "id" || reader.hasColumn(name) || !table.columns.find((c) => c.name === name)?.optional);
    const rows = firstById((await reader.readAll({ columns: present })) as Row[]) as ReadonlyMap<string, Readonly<Record<string, unknown>>>;
    let bytes = 0;
    for (const row of rows.values()) bytes += rowBytes(row);
    this.entries.set(key, { rows, bytes });
    this.total += bytes;
    for (const [oldKey, entry] of this.entries) {
      if (this.total <= this.budgetBytes || oldKey === key) break;
      this.entries.delete(oldKey);
      this.total -= entry.bytes;
    }
    return rows;
  }
}
