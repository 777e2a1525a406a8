/**
 * What every processing step shares: options (force, progress, failure log), the result record,
 * skip-when-done, per-row isolation of failures, and the atomic writer of the output table.
 */
import { stat } from "node:fs/promises";

import { type TableSchema, type TableWriter, assertDatasetFolder, createTableWriter, openTable, stepPath } from "@autosing/parquet-io";

import { AllRowsFailedError, MissingInputError, RowInputError, StrictRowFailuresError } from "./errors.js";

/** The processing steps, in dependency order (upstream processing.py's `cmd` choices). */
export const STEPS = ["align", "vad_extract", "src_sep", "atoks", "stoks", "artist_embs"] as const;
export type StepName = (typeof STEPS)[number];

/** One input row that failed and was skipped. */
export interface RowFailure {
  /** The input table the row came from. */
  readonly file: string;
  /** 0-based row number in that file. */
  readonly row: number;
  readonly id: string;
  readonly message: string;
}

/** Progress of a step, reported after each input row. */
export interface StepProgress {
  readonly step: StepName;
  readonly partition: number;
  readonly done: number;
  readonly total: number;
  readonly id: string;
}

/** Options every step takes. */
export interface CommonStepOptions {
  /** Recompute and replace an output that exists (default: skip the step). */
  readonly force?: boolean;
  /** Called after each input row. */
  readonly onProgress?: (progress: StepProgress) => void;
  /** Called for each row that failed and was skipped (also listed in the result). */
  readonly onRowFailure?: (failure: RowFailure) => void;
  /** Stop after this many input rows (upstream `--num`, for debugging). */
  readonly limit?: number;
  /**
   * Any failed row fails the step (StrictRowFailuresError) after every row has been tried and
   * reported, and nothing is written, so the partition stays missing until its input is fixed.
   * Default: failed rows are skipped and the good ones written.
   */
  readonly strict?: boolean;
}

/** What a step did to one output table. */
export interface StepResult {
  readonly step: StepName;
  readonly partition: number;
  /** The output files (existing ones when skipped). */
  readonly outputs: readonly string[];
  /** True when every output existed and `force` was not set: nothing was read or written. */
  readonly skipped: boolean;
  /** Input rows read. */
  readonly rowsIn: number;
  /** Rows written to each output. */
  readonly rowsOut: number;
  readonly failures: readonly RowFailure[];
  /** Seconds of audio processed, and wall-clock seconds spent: their ratio is the × real-time figure. */
  readonly audioSeconds: number;
  readonly wallSeconds: number;
  /** Step-specific notes (e.g. rows whose lyrics could not be aligned and got a null alignment). */
  readonly notes: readonly string[];
}

export async function fileExists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** How to get an index.parquet: it is the dataset's own input, which no step writes. */
export const INDEX_PRODUCER = { producer: "corpus make", howToMake: 'write the dataset\'s index.parquet (a synthetic one: "autosing corpus make")' } as const;

/** Throws DatasetFolderError when `dir` is not a folder, else MissingInputError unless `<dir>/<partition>/<table>.parquet` exists. */
export async function requireInput(
  step: StepName,
  dir: string,
  partition: number,
  table: string,
  producer: string | { readonly producer: string; readonly howToMake: string },
): Promise<string> {
  const file = stepPath(dir, partition, table);
  if (!(await fileExists(file))) {
    // A dataset folder that is missing or a file is the path's problem, not a step left to run.
    await assertDatasetFolder(dir);
    throw typeof producer === "string" ? new MissingInputError(step, file, producer) : new MissingInputError(step, file, producer.producer, producer.howToMake);
  }
  return file;
}

/**
 * `table` with its `id` column read as nullable: a null id is then one bad row, which the step
 * reports and skips, instead of a reader error that fails the whole partition.
 */
function withNullableId<Row>(table: TableSchema<Row>): TableSchema<Row> {
  return { ...table, columns: table.columns.map((column) => (column.name === "id" ? { ...column, nullable: true } : column)) };
}

/** Rows of an input table, numbered, stopping after `limit`; `id` may be null (see {@link StepRun.rows}). */
export async function* inputRows<Row, K extends keyof Row & string>(
  file: string,
  table: TableSchema<Row>,
  columns: readonly K[] | undefined,
  limit = Number.POSITIVE_INFINITY,
): AsyncGenerator<{ row: Pick<Row, K>; index: number; total: number }> {
  const reader = await openTable(file, withNullableId(table));
  const total = Math.min(reader.numRows, limit);
  let index = 0;
  try {
    for await (const row of reader.rows(columns === undefined ? {} : { columns })) {
      if (index >= total) break;
      yield { row, index, total };
      index += 1;
    }
  } finally {
    await reader.close();
  }
}

/** One output table of a step: its writer and what was written. */
export interface StepOutput<Row> {
  readonly file: string;
  readonly writer: TableWriter<Row>;
}

/**
 * Runs the row loop of a step: opens the outputs' writers (temp files), calls `perRow` for every
 * input row with failures isolated (logged with file, row and id, then skipped), and finishes the
 * writers (atomic rename) — or aborts them when every row failed or something outside a row threw.
 */
export class StepRun {
  readonly failures: RowFailure[] = [];
  readonly notes: string[] = [];
  audioSeconds = 0;
  rowsIn = 0;
  private readonly started = performance.now();
  private readonly writers: TableWriter<unknown>[] = [];

  constructor(
    readonly step: StepName,
    readonly dir: string,
    readonly partition: number,
    private readonly options: CommonStepOptions,
  ) {}

  /** Opens a writer for `<table>.parquet` of this partition (rows go to a temp file until finish). */
  async output<Row>(table: TableSchema<Row>): Promise<StepOutput<Row>> {
    const file = stepPath(this.dir, this.partition, table.name);
    // Audio rows are large: a row group per 16 rows keeps memory bounded while streaming.
    const writer = await createTableWriter(file, table, { rowGroupRows: 16 });
    this.writers.push(writer as TableWriter<unknown>);
    return { file, writer };
  }

  /**
   * The rows of an input table that have an id, numbered, stopping after `limit`. A row whose id
   * is null is recorded as a failure (with its row number) and not yielded.
   */
  async *rows<Row extends { id: string }, K extends keyof Row & string>(
    file: string,
    table: TableSchema<Row>,
    columns: readonly K[] | undefined,
    limit?: number,
  ): AsyncGenerator<{ row: Pick<Row, K | "id">; index: number; total: number }> {
    for await (const item of inputRows(file, table, columns, limit)) {
      const id = (item.row as { id?: unknown }).id;
      if (typeof id === "string") {
        yield item as { row: Pick<Row, K | "id">; index: number; total: number };
        continue;
      }
      await this.row(file, item.index, item.total, "null", () => {
        throw new RowInputError("the id is null; every row needs an id (rewrite the table with one)");
      });
    }
  }

  /** Runs `work` for one input row; a failure is recorded and the row skipped. */
  async row(file: string, index: number, total: number, id: string, work: () => Promise<void>): Promise<void> {
    this.rowsIn += 1;
    try {
      await work();
    } catch (error) {
      const failure: RowFailure = { file, row: index, id, message: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
      this.failures.push(failure);
      this.options.onRowFailure?.(failure);
    }
    this.options.onProgress?.({ step: this.step, partition: this.partition, done: index + 1, total, id });
    // Rows of a buffered row group resolve as microtasks only: without a turn of the event loop a
    // SIGINT handler (the CLI's cleanup) would wait for the whole partition to finish.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  /** Finishes every writer, or aborts them all when every input row failed (or, strict, any). */
  finish(inputFile: string, rowsOut: number): StepResult {
    if (this.rowsIn > 0 && this.failures.length === this.rowsIn) {
      this.abort();
      throw new AllRowsFailedError(this.step, inputFile, this.failures);
    }
    if (this.options.strict === true && this.failures.length > 0) {
      this.abort();
      throw new StrictRowFailuresError(this.step, inputFile, this.rowsIn, this.failures);
    }
    for (const writer of this.writers) writer.finish();
    return {
      step: this.step,
      partition: this.partition,
      outputs: this.writers.map((w) => w.file),
      skipped: false,
      rowsIn: this.rowsIn,
      rowsOut,
      failures: this.failures,
      audioSeconds: this.audioSeconds,
      wallSeconds: (performance.now() - this.started) / 1000,
      notes: this.notes,
    };
  }

  /** Removes the temp files; no output appears. */
  abort(): void {
    for (const writer of this.writers) {
      try {
        writer.abort();
      } catch {
        // Already finished or aborted: nothing to clean up.
      }
    }
  }
}

/** The result of a step whose outputs all exist (not forced). */
export function skippedResult(step: StepName, partition: number, outputs: readonly string[]): StepResult {
  return { step, partition, outputs, skipped: true, rowsIn: 0, rowsOut: 0, failures: [], audioSeconds: 0, wallSeconds: 0, notes: [] };
}

/** True when every output exists and the step is not forced. */
export async function shouldSkip(outputs: readonly string[], force: boolean | undefined): Promise<boolean> {
  if (force === true) return false;
  for (const file of outputs) if (!(await fileExists(file))) return false;
  return true;
}

/** Runs `body` with a StepRun, aborting its writers if `body` throws outside a row. */
export async function withStepRun(run: StepRun, body: () => Promise<StepResult>): Promise<StepResult> {
  try {
    return await body();
  } catch (error) {
    run.abort();
    throw error;
  }
}
