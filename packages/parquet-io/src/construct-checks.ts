/**
 * What `constructDataset` checks before any heavy work or any write: its options, the output
 * folder (a file in the way, an earlier run's tables), and an upper bound of the rows the input
 * can give, read from the Parquet footers only. Also the removal of an earlier run's partitions
 * that a forced run does not rewrite, so no earlier row stays beside the new validation set.
 */
import { constants } from "node:fs";
import { access, rm, rmdir, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import { ConstructOptionError, EarlierRunError, OutputFolderError, TooFewRowsError } from "./construct-errors.js";
import { listPartitions, stepPath } from "./layout.js";
import { openTable } from "./reader.js";
import type { TableSchema } from "./schema.js";
import { artistEmbsTable, atoksTable, chunkedTable, stoksTable } from "./step-tables.js";

/** A table name that stays inside its partition folder: no separators, no `..`, not empty. */
const TABLE_NAME = /^[A-Za-z0-9_-]+$/;

/** Throws ConstructOptionError for a name, count or partition number that cannot be used. */
export function checkConstructOptions(options: { numInPartitions: number; numOutPartitions: number; name: string }): void {
  if (!TABLE_NAME.test(options.name)) {
    throw new ConstructOptionError("name", options.name, "must be a plain table name of letters, digits, _ and - (it becomes <output>/<n>/<name>.parquet)");
  }
  if (!Number.isInteger(options.numInPartitions) || options.numInPartitions < 1) {
    throw new ConstructOptionError("numInPartitions", options.numInPartitions, "must be an integer >= 1 (the input partitions 0 .. n-1 to read)");
  }
  if (!Number.isInteger(options.numOutPartitions) || options.numOutPartitions < 0) {
    throw new ConstructOptionError("numOutPartitions", options.numOutPartitions, "must be an integer >= 0 (training partitions; partition 0 validates)");
  }
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new OutputFolderError(path, `cannot inspect the output folder: ${(error as Error).message}`, { cause: error });
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The nearest folder above `path` that exists (where a missing output folder would be created). */
async function nearestExisting(path: string): Promise<string> {
  let current = dirname(resolve(path));
  while ((await isDirectory(current)) === undefined && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Throws OutputFolderError naming `folder` when `writable` (it, or where it would be made) may not be written, before any heavy work. */
async function checkWritable(writable: string, folder: string): Promise<void> {
  try {
    await access(writable, constants.W_OK | constants.X_OK);
  } catch (error) {
    const where = writable === folder ? "" : ` (it would be created in ${writable})`;
    throw new OutputFolderError(folder, `not allowed to write the output folder${where}: ${(error as Error).message}`, { cause: error });
  }
}

/** Partitions of `folder` that hold `<table>.parquet`, ascending. */
async function earlierPartitions(folder: string, table: string): Promise<number[]> {
  const found: number[] = [];
  for (const partition of await listPartitions(folder)) if (await isFile(stepPath(folder, partition, table))) found.push(partition);
  return found;
}

/**
 * Checks the output folder: throws OutputFolderError when it is not a folder, EarlierRunError
 * when it holds a complete earlier run (`0/<table>.parquet` among its `<n>/<table>.parquet`) and
 * `force` is off. Returns whether it exists and
 * the partitions of an earlier run (to remove those the new run does not rewrite).
 */
export async function checkOutputFolder(folder: string, table: string, force: boolean): Promise<{ exists: boolean; earlier: number[] }> {
  const directory = await isDirectory(folder);
  if (directory === undefined) {
    await checkWritable(await nearestExisting(folder), folder);
    return { exists: false, earlier: [] };
  }
  if (!directory) throw new OutputFolderError(folder, "exists and is not a folder; give a folder path for the output (it is created when missing)");
  await checkWritable(folder, folder);
  const earlier = await earlierPartitions(folder, table);
  // Partitions without partition 0 are a run killed while committing (construct-commit.ts): redone, not refused.
  if (earlier.includes(0) && !force) throw new EarlierRunError(folder, table, earlier);
  return { exists: true, earlier };
}

/** Whether a reader error says the file is not there (a step not run yet) rather than unusable. */
function isMissingFile(error: unknown): boolean {
  const cause = (error as { cause?: unknown }).cause;
  return (cause as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}

/**
 * Rows in `file` from its footer (its columns checked), 0 when it does not exist; an existing
 * file that cannot be read gives 0 rows and its error, which the scatter phase would report too.
 */
async function footerRows<Row>(file: string, table: TableSchema<Row>): Promise<{ rows: number; unreadable?: unknown }> {
  try {
    const reader = await openTable(file, table);
    try {
      return { rows: reader.numRows };
    } finally {
      await reader.close();
    }
  } catch (error) {
    return isMissingFile(error) ? { rows: 0 } : { rows: 0, unreadable: error };
  }
}

/** The bound of {@link joinedRowsBound} and the errors of the existing tables it could not read. */
export interface JoinedRowsBound {
  readonly rows: number;
  readonly unreadable: readonly unknown[];
}

/**
 * An upper bound of the joined rows of partitions `0 .. numInPartitions-1`: per partition, the
 * fewest rows of its five step tables (an inner join keeps no more). Footers only.
 */
export async function joinedRowsBound(dataDir: string, numInPartitions: number, codec: string): Promise<JoinedRowsBound> {
  let rows = 0;
  const unreadable: unknown[] = [];
  for (let partition = 0; partition < numInPartitions; partition += 1) {
    const path = (step: string): string => stepPath(dataDir, partition, step);
    const counts = await Promise.all([
      footerRows(path(`atoks_vocals_${codec}`), atoksTable("vocals", codec)),
      footerRows(path(`atoks_no_vocals_${codec}`), atoksTable("no_vocals", codec)),
      footerRows(path("stoks"), stoksTable),
      footerRows(path("artist_embs"), artistEmbsTable),
      footerRows(path("chunked"), chunkedTable),
    ]);
    rows += Math.min(...counts.map((count) => count.rows));
    for (const count of counts) if (count.unreadable !== undefined) unreadable.push(count.unreadable);
  }
  return { rows, unreadable };
}

/**
 * Throws before the scatter when even the footer bound cannot fill every partition: the first
 * unreadable input table's own error (it names the file; a broken table is the reason, not a
 * count) when there is one, else TooFewRowsError.
 */
export async function checkRowsBound(options: { dataDir: string; numInPartitions: number; numOutPartitions: number; split: boolean; codec: string }): Promise<void> {
  const bound = await joinedRowsBound(options.dataDir, options.numInPartitions, options.codec);
  const joined = bound.rows;
  const rows = options.split ? 2 * joined : joined;
  if (rows >= options.numOutPartitions + 1) return;
  if (bound.unreadable.length > 0) throw bound.unreadable[0];
  const detail = options.split
    ? `the input partitions' footers allow ${joined} joined rows, so split gives at most ${rows} halves`
    : `the input partitions' footers allow ${joined} joined rows`;
  throw new TooFewRowsError(rows, options.numOutPartitions, false, detail);
}

/** Removes `<folder>/<n>/<table>.parquet` of an earlier run for partitions the new run does not write. */
export async function removeStalePartitions(folder: string, table: string, earlier: readonly number[], totalPartitions: number): Promise<void> {
  for (const partition of earlier) {
    if (partition < totalPartitions) continue;
    await rm(stepPath(folder, partition, table), { force: true });
    // The partition folder goes too when nothing else (another --name table) is left in it.
    await rmdir(join(folder, String(partition))).catch(() => undefined);
  }
}
