/**
 * Port of autosing/construct_dataset.py: joins the step tables of every input partition, optionally
 * splits each 30 s row into two 15 s rows, shuffles, and writes `numOutPartitions + 1` partitions
 * of `<name>.parquet` (partition 0 is the validation set).
 *
 * Upstream concatenates everything in memory and calls `df.sample(frac=1)`. This port shuffles
 * with bounded memory instead: rows are scattered to scratch bucket files by a seeded uniform
 * choice, then each bucket is shuffled on its own (reading records by offset), and the buckets are
 * concatenated. Scatter-then-shuffle-each-bucket gives a uniformly random permutation, so the
 * result is distributed as upstream's; the same seed gives the same output.
 *
 * Deliberate differences from upstream, each noted where it happens:
 * - with split, the stored alignment is the sliced 15 s one (upstream slices only to filter and
 *   keeps the 30 s alignment), and halves get ids `<id>_h0` / `<id>_h1`;
 * - with split, a row whose alignment is null is dropped (upstream fails the whole partition);
 * - `main.parquet` keeps the `id` column (upstream's `reset_index(drop=True)` drops it);
 * - fewer rows than output partitions is refused (upstream writes every partition empty), and an
 *   output folder holding an earlier run's `<n>/<name>.parquet` is refused unless `force`, which
 *   also removes that run's partitions beyond the new count (else they would mix into training);
 * - the partitions of a run appear together, partition 0 last (construct-commit.ts), so a killed
 *   run leaves no partition that looks complete and the next run redoes it.
 */
import { rmdirSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";

import { Mulberry32, removeStaleTemporaries, temporaryPathFor, whenInterrupted } from "@autosing/base";
import { checkConstructOptions, checkOutputFolder, checkRowsBound } from "./construct-checks.js";
import { PendingPartitions } from "./construct-commit.js";
import { TooFewRowsError } from "./construct-errors.js";
import { assertDatasetFolder } from "./layout.js";
import { loadPartitionRows } from "./load-partition-rows.js";
import { ScatterBuckets } from "./scatter-buckets.js";
import { type MainRow, mainTable } from "./step-tables.js";
import { type TableWriter, createTableWriter } from "./writer.js";

/** Options of {@link constructDataset} (the CLI's arguments). */
export interface ConstructDatasetOptions {
  /** Folder of the processed partitions `0 .. numInPartitions-1`. */
  readonly dataDir: string;
  readonly numInPartitions: number;
  readonly outputDir: string;
  /** Training partitions; one more (partition 0) is written for validation. Default 512. */
  readonly numOutPartitions?: number;
  /** Turn each 30 s row into two 15 s rows. */
  readonly split?: boolean;
  /** Output table name (`<name>.parquet`): letters, digits, `_` and `-`. Default "main". */
  readonly name?: string;
  /**
   * Replace an earlier run's `<n>/<name>.parquet` files in `outputDir` (those beyond the new
   * partition count are removed). Without it such files are refused. Default false.
   */
  readonly force?: boolean;
  /** Shuffle seed. Default 0. */
  readonly seed?: number;
  /** Codec of the acoustic token tables (`atoks_<src>_<codec>`). Default "snac_32khz". */
  readonly codec?: string;
  /** Memory for scatter buffers before they are flushed to the scratch files. Default 64 MiB. */
  readonly scatterBufferBytes?: number;
  /** Number of scratch buckets. Default 64. */
  readonly buckets?: number;
  /** Called after each input partition and each written output partition. */
  readonly onProgress?: (event: ConstructProgress) => void;
}

export type ConstructProgress =
  | { readonly phase: "scatter"; readonly partition: number; readonly rows: number; readonly error?: string }
  | { readonly phase: "write"; readonly partition: number; readonly rows: number };

/** A partition that could not be read; its rows are left out and the others complete. */
export interface PartitionFailure {
  readonly partition: number;
  readonly message: string;
}

export interface ConstructDatasetResult {
  /** Joined rows read from the input partitions (before split/filter). */
  readonly rowsJoined: number;
  /** Rows after split and cover filter (the rows shuffled). */
  readonly rowsShuffled: number;
  /** Rows in each output partition (upstream's `len(df) // num_partitions`), at least 1. */
  readonly rowsPerPartition: number;
  /** Rows written over all output partitions. */
  readonly rowsWritten: number;
  /** Rows left over by the integer division, dropped as upstream drops them. */
  readonly rowsDropped: number;
  /** Output partitions written (numOutPartitions + 1). */
  readonly partitionsWritten: number;
  readonly failures: readonly PartitionFailure[];
}

/**
 * Builds the training dataset; see the module comment. Failed input partitions are reported, not
 * fatal. Throws ConstructOptionError (TooFewRowsError among them), DatasetFolderError (`dataDir`
 * is not a folder), OutputFolderError (EarlierRunError among them) or, when the input's footers
 * cannot fill the partitions, the first unreadable input table's reader error, before writing any
 * output; a folder it created is removed then.
 */
export async function constructDataset(options: ConstructDatasetOptions): Promise<ConstructDatasetResult> {
  const numOut = options.numOutPartitions ?? 512;
  const name = options.name ?? "main";
  const split = options.split ?? false;
  const codec = options.codec ?? "snac_32khz";
  checkConstructOptions({ numInPartitions: options.numInPartitions, numOutPartitions: numOut, name });
  // A data folder that is not there is the path's problem, not "no rows".
  await assertDatasetFolder(options.dataDir);
  const output = await checkOutputFolder(options.outputDir, name, options.force ?? false);
  // Footers only: a count that cannot fill the partitions fails before the scatter reads any token.
  await checkRowsBound({ dataDir: options.dataDir, numInPartitions: options.numInPartitions, numOutPartitions: numOut, split, codec });
  await mkdir(options.outputDir, { recursive: true });
  // A folder this run created goes when the run fails or is interrupted having written nothing to it (rmdir fails on a non-empty one).
  const removeCreated = (): void => {
    if (output.exists) return;
    try {
      rmdirSync(options.outputDir);
    } catch {
      // Not empty: something else is in it.
    }
  };
  const unregister = whenInterrupted(removeCreated);
  try {
    return await scatterAndWrite(options, { numOut, name, split, codec, earlier: output.earlier });
  } catch (error) {
    removeCreated();
    throw error;
  } finally {
    unregister();
  }
}

/** The two phases of the module comment, once the checks have passed. */
async function scatterAndWrite(
  options: ConstructDatasetOptions,
  settings: { numOut: number; name: string; split: boolean; codec: string; earlier: readonly number[] },
): Promise<ConstructDatasetResult> {
  const { numOut, split, codec } = settings;
  const totalPartitions = numOut + 1; // partition 0 is the validation set
  const seed = options.seed ?? 0;
  const bucketCount = Math.max(1, options.buckets ?? 64);
  const table = mainTable(settings.name);
  // A scratch folder a killed run left goes once its process is dead (pending files go per partition folder).
  await removeStaleTemporaries(options.outputDir);
  const scratch = temporaryPathFor(join(options.outputDir, "construct-dataset-scratch"));
  await mkdir(scratch);

  const failures: PartitionFailure[] = [];
  let rowsJoined = 0;
  const buckets = new ScatterBuckets(scratch, bucketCount, options.scatterBufferBytes ?? 64 << 20);
  try {
    // Phase 1: scatter every kept row to a uniformly chosen bucket.
    for (let partition = 0; partition < options.numInPartitions; partition += 1) {
      const random = Mulberry32.fromKey(seed, "scatter", partition).asFunction();
      const mark = buckets.mark();
      let rows = 0;
      const stats = { joined: 0 };
      try {
        for await (const row of loadPartitionRows(options.dataDir, partition, split, codec, stats)) {
          buckets.add(Math.floor(random() * bucketCount), row);
          rows += 1;
        }
        rowsJoined += stats.joined;
        options.onProgress?.({ phase: "scatter", partition, rows });
      } catch (error) {
        buckets.rollback(mark);
        const message = error instanceof Error ? error.message : String(error);
        failures.push({ partition, message });
        options.onProgress?.({ phase: "scatter", partition, rows: 0, error: message });
      }
    }

    // Phase 2: shuffle each bucket, concatenate, cut into equal partitions (upstream's write_df).
    const rowsShuffled = buckets.total;
    if (rowsShuffled < totalPartitions) {
      throw new TooFewRowsError(rowsShuffled, numOut, true, rowsDetail(rowsJoined, rowsShuffled, split, failures, options.numInPartitions));
    }
    const rowsPerPartition = Math.floor(rowsShuffled / totalPartitions);
    let partition = 0;
    let writer: TableWriter<MainRow> | undefined;
    const pending = new PendingPartitions(options.outputDir, table.name);
    const openNext = async (): Promise<TableWriter<MainRow>> => createTableWriter(await pending.next(partition), table, { rowGroupRows: 1024 });
    try {
      writer = await openNext();
      outer: for (let k = 0; k < bucketCount; k += 1) {
        for (const row of buckets.shuffled(k, Mulberry32.fromKey(seed, "bucket", k).asFunction())) {
          writer.append([row]);
          if (writer.rowCount === rowsPerPartition) {
            writer.finish();
            options.onProgress?.({ phase: "write", partition, rows: rowsPerPartition });
            partition += 1;
            writer = undefined;
            if (partition === totalPartitions) break outer;
            writer = await openNext();
          }
        }
      }
      // Only now, with every partition written: the earlier run's partitions go and the new ones appear.
      await pending.commit(settings.earlier);
    } catch (error) {
      writer?.abort();
      await pending.discard();
      throw error;
    }
    return {
      rowsJoined,
      rowsShuffled,
      rowsPerPartition,
      rowsWritten: rowsPerPartition * totalPartitions,
      rowsDropped: rowsShuffled - rowsPerPartition * totalPartitions,
      partitionsWritten: totalPartitions,
      failures,
    };
  } finally {
    buckets.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** What the exact row count of a refused run is made of, failed partitions included. */
function rowsDetail(joined: number, shuffled: number, split: boolean, failures: readonly PartitionFailure[], numIn: number): string {
  const rows = split ? `${joined} joined rows, ${shuffled} halves after split and cover filter` : `${joined} joined rows`;
  if (failures.length === 0) return rows;
  const first = failures[0]!;
  return `${rows}; ${failures.length} of ${numIn} input partitions failed, first partition ${first.partition}: ${first.message}`;
}
