/**
 * The partition layout of DESIGN.md §1: `<dataset>/<n>/<step>.parquet`, one folder per partition
 * numbered from 0. Discovery, per-step paths, `missing` and a summary of a dataset folder.
 */
import { constants } from "node:fs";
import { access, open, readdir, stat } from "node:fs/promises";
import { join } from "node:path";

import { parquetMetadataAsync } from "hyparquet";

import { ColumnTypeError, DatasetFolderError, MissingColumnError } from "./errors.js";
import { openTable } from "./reader.js";
import { stepTableByName } from "./step-tables.js";

/** Path of a step table of one partition: `<dir>/<partition>/<step>.parquet`. */
export function stepPath(dir: string, partition: number, step: string): string {
  return join(dir, String(partition), `${step}.parquet`);
}

/**
 * Throws DatasetFolderError unless `dir` is a folder that can be listed: a path that does not
 * exist, is a file or may not be read is the path's problem (the CLI's file-system exit code),
 * not the data's. Steps call it before saying that one of their input tables is missing.
 */
export async function assertDatasetFolder(dir: string): Promise<void> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(dir)).isDirectory();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") throw new DatasetFolderError(dir, "the dataset folder does not exist; give the folder that holds <n>/index.parquet");
    throw new DatasetFolderError(dir, `cannot open the dataset folder: ${(error as Error).message}`);
  }
  if (!isFolder) throw new DatasetFolderError(dir, "is a file, not a dataset folder; give the folder that holds <n>/index.parquet");
  try {
    await access(dir, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw new DatasetFolderError(dir, `cannot read the dataset folder: ${(error as Error).message}`);
  }
}

/** Partition numbers present under `dir` (folders named by a non-negative integer), ascending. */
export async function listPartitions(dir: string): Promise<number[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (error) {
    throw new DatasetFolderError(dir, `cannot list the dataset folder: ${(error as Error).message}`);
  }
  return entries
    .filter((entry) => entry.isDirectory() && /^(0|[1-9]\d*)$/.test(entry.name))
    .map((entry) => Number(entry.name))
    .sort((a, b) => a - b);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Partitions in `0 .. total-1` whose `<step>.parquet` does not exist yet: the work still to do for
 * a step (a temp file of an unfinished writer does not count as done).
 */
export async function missing(dir: string, step: string, total: number): Promise<number[]> {
  const out: number[] = [];
  for (let partition = 0; partition < total; partition += 1) {
    if (!(await isFile(stepPath(dir, partition, step)))) out.push(partition);
  }
  return out;
}

/** One step-table file of a partition, as `dataset info` reports it. */
export interface StepFileInfo {
  readonly step: string;
  readonly bytes: number;
  /** Rows from the footer; null when the file cannot be read (`error` says why). */
  readonly rows: number | null;
  readonly error?: string;
}

/** One partition folder. */
export interface PartitionInfo {
  readonly partition: number;
  readonly steps: readonly StepFileInfo[];
  readonly bytes: number;
}

/** Summary of a dataset folder. */
export interface DatasetInfo {
  readonly dir: string;
  readonly partitions: readonly PartitionInfo[];
  /** Every step seen in any partition, with its total rows, bytes and partitions that have it. */
  readonly steps: readonly { step: string; partitions: number; rows: number; bytes: number; complete: boolean }[];
  readonly bytes: number;
}

async function footerRows(path: string, size: number): Promise<number> {
  const handle = await open(path, "r");
  try {
    const buffer = {
      byteLength: size,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const bytes = new Uint8Array(Math.max(0, (end ?? size) - start));
        await handle.read(bytes, 0, bytes.length, start);
        return bytes.buffer;
      },
    };
    const metadata = await parquetMetadataAsync(buffer);
    return Number(metadata.num_rows);
  } finally {
    await handle.close();
  }
}

/** Rows of a step table: a table a step writes gets its columns checked too (a footer alone reads fine without them). */
async function checkedRows(path: string, step: string, size: number): Promise<number> {
  const table = stepTableByName(step);
  if (table === undefined) return footerRows(path, size);
  const reader = await openTable(path, table);
  try {
    return reader.numRows;
  } finally {
    await reader.close();
  }
}

/** Why a step table cannot be read, without the path the line already names. */
function describeUnreadable(error: unknown, path: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const own = message.startsWith(`${path}: `) ? message.slice(path.length + 2) : message;
  // A reader error that is not about the columns is about the bytes: the footer (or what stands for it) is unreadable.
  return MissingColumnError.isInstance(error) || ColumnTypeError.isInstance(error) ? own : `unreadable footer: ${own}`;
}

/**
 * Reads only the footers (and, for the tables the steps write, checks their columns): partitions,
 * rows per step table, completeness and bytes on disk. A table that cannot be read is listed with
 * its `error` and counted as incomplete.
 */
export async function datasetInfo(dir: string): Promise<DatasetInfo> {
  const partitions: PartitionInfo[] = [];
  for (const partition of await listPartitions(dir)) {
    const folder = join(dir, String(partition));
    const names = (await readdir(folder)).filter((name) => name.endsWith(".parquet") && !name.startsWith(".")).sort();
    const steps: StepFileInfo[] = [];
    for (const name of names) {
      const path = join(folder, name);
      const { size } = await stat(path);
      const step = name.slice(0, -".parquet".length);
      try {
        steps.push({ step, bytes: size, rows: await checkedRows(path, step, size) });
      } catch (error) {
        steps.push({ step, bytes: size, rows: null, error: describeUnreadable(error, path) });
      }
    }
    partitions.push({ partition, steps, bytes: steps.reduce((sum, s) => sum + s.bytes, 0) });
  }
  const byStep = new Map<string, { step: string; partitions: number; rows: number; bytes: number; complete: boolean }>();
  for (const partition of partitions) {
    for (const file of partition.steps) {
      const entry = byStep.get(file.step) ?? { step: file.step, partitions: 0, rows: 0, bytes: 0, complete: true };
      entry.partitions += 1;
      entry.rows += file.rows ?? 0;
      entry.bytes += file.bytes;
      if (file.rows === null) entry.complete = false;
      byStep.set(file.step, entry);
    }
  }
  const steps = [...byStep.values()]
    .map((entry) => ({ ...entry, complete: entry.complete && entry.partitions === partitions.length }))
    .sort((a, b) => a.step.localeCompare(b.step));
  return { dir, partitions, steps, bytes: partitions.reduce((sum, p) => sum + p.bytes, 0) };
}
