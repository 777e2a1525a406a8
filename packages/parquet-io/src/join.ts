/**
 * Inner joins by `id` across the step tables of one partition (Port of
 * autosing/construct_dataset.py: load_df + pd.concat(axis=1, join="inner")): a duplicate id keeps
 * its first row, as `df.index.duplicated(keep="first")` does, and rows come in the order of the
 * first table.
 */
import { ParquetIoError } from "./errors.js";
import { openTable } from "./reader.js";
import type { TableSchema } from "./schema.js";

/** One table of a join: its file, schema, and the columns to take (optionally renamed). */
export interface JoinSource {
  readonly file: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a join mixes tables of any row type
  readonly table: TableSchema<any>;
  /** Columns to take from this table, other than `id`; `as` renames (upstream renames `values`). */
  readonly columns: readonly { readonly name: string; readonly as?: string }[];
}

/** A joined row: `id` plus the taken columns under their (renamed) names. */
export type JoinedRow = { id: string } & Record<string, unknown>;

/** Keeps the first row of each id, in order (pandas `~index.duplicated(keep="first")`). */
export function firstById<Row extends { id: string }>(rows: Iterable<Row>): Map<string, Row> {
  const out = new Map<string, Row>();
  for (const row of rows) if (!out.has(row.id)) out.set(row.id, row);
  return out;
}

/**
 * Streams the inner join of `sources` by `id`, one batch per row group of the first source.
 * Memory: every source but the first is held (projected) in memory, keyed by id; the first is
 * streamed. Put the largest table first.
 */
export async function* joinById(sources: readonly JoinSource[]): AsyncGenerator<JoinedRow[]> {
  const [driver, ...others] = sources;
  if (!driver) throw new ParquetIoError("joinById needs at least one source");
  const lookups: { source: JoinSource; rows: Map<string, Record<string, unknown>> }[] = [];
  for (const source of others) {
    const reader = await openTable(source.file, source.table);
    const rows = new Map<string, Record<string, unknown>>();
    for await (const group of reader.rowGroups({ columns: ["id", ...source.columns.map((c) => c.name)] })) {
      for (const row of group as Record<string, unknown>[]) {
        const id = row.id as string;
        if (!rows.has(id)) rows.set(id, row);
      }
    }
    lookups.push({ source, rows });
  }
  const seen = new Set<string>();
  const reader = await openTable(driver.file, driver.table);
  for await (const group of reader.rowGroups({ columns: ["id", ...driver.columns.map((c) => c.name)] })) {
    const batch: JoinedRow[] = [];
    for (const row of group as Record<string, unknown>[]) {
      const id = row.id as string;
      if (seen.has(id)) continue;
      seen.add(id);
      const joined: JoinedRow = { id };
      for (const c of driver.columns) joined[c.as ?? c.name] = row[c.name];
      let complete = true;
      for (const { source, rows } of lookups) {
        const match = rows.get(id);
        if (!match) {
          complete = false;
          break;
        }
        for (const c of source.columns) joined[c.as ?? c.name] = match[c.name];
      }
      if (complete) batch.push(joined);
    }
    if (batch.length > 0) yield batch;
  }
}
