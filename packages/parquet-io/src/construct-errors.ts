/**
 * Errors of `constructDataset` that refuse a run before it writes anything. Their messages use
 * the library's option names; `describe(name)` words the same refusal with another name for the
 * option (the CLI passes its flag), so both callers learn what to change.
 */
import { ParquetIoError } from "./errors.js";

/** An option of `constructDataset` that cannot be used (a name with a path in it, no input partitions). */
export class ConstructOptionError extends ParquetIoError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`construct-dataset: option ${option} = ${JSON.stringify(value)}: ${reason}`);
  }
}

/**
 * Fewer rows than output partitions: every partition would be empty (upstream writes them all
 * and drops every row). `rows` is the exact count after split and filter, or an upper bound read
 * from the input footers when `exact` is false.
 */
export class TooFewRowsError extends ConstructOptionError {
  constructor(
    readonly rows: number,
    readonly numOutPartitions: number,
    readonly exact: boolean,
    /** What the count is made of (joined rows, halves, failed partitions). */
    readonly detail: string,
  ) {
    super("numOutPartitions", numOutPartitions, TooFewRowsError.reason(rows, numOutPartitions, exact, detail, "numOutPartitions"));
  }

  /** The largest count that gives every partition (validation partition 0 included) a row; -1 when none does. */
  get maxNumOutPartitions(): number {
    return this.rows - 1;
  }

  private static reason(rows: number, numOut: number, exact: boolean, detail: string, option: string): string {
    const have = `${exact ? "" : "at most "}${rows} row${rows === 1 ? "" : "s"} (${detail})`;
    if (rows === 0) return `the input has no rows to write (${detail}); process the input partitions first`;
    return (
      `${numOut + 1} output partitions (${numOut} for training plus validation partition 0) need a row each, ` +
      `but the input has ${have}: use ${option} ${rows - 1} or less`
    );
  }

  /** The refusal with the option called `option` (e.g. `--num-out-partitions`). */
  describe(option: string): string {
    return `${option} ${this.numOutPartitions}: ${TooFewRowsError.reason(this.rows, this.numOutPartitions, this.exact, this.detail, option)}`;
  }
}

/** An output folder that cannot take the run: a file is in the way, or an earlier run's tables are there. */
export class OutputFolderError extends ParquetIoError {
  constructor(
    readonly folder: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`${folder}: ${message}`, options);
  }
}

/** `<output>/<n>/<name>.parquet` files of an earlier run, refused unless `force`. */
export class EarlierRunError extends OutputFolderError {
  constructor(
    folder: string,
    readonly table: string,
    readonly partitions: readonly number[],
  ) {
    super(folder, EarlierRunError.reason(table, partitions, "force: true"));
  }

  private static reason(table: string, partitions: readonly number[], force: string): string {
    const shown = partitions.slice(0, 3).map((p) => `${p}/${table}.parquet`).join(", ");
    const more = partitions.length > 3 ? ` and ${partitions.length - 3} more` : "";
    return `holds ${partitions.length} ${table}.parquet partition${partitions.length === 1 ? "" : "s"} of an earlier run (${shown}${more}); pass ${force} to replace them, or choose another folder or name`;
  }

  /** The refusal with the option called `force` (e.g. `--force`). */
  describe(force: string): string {
    return `${this.folder}: ${EarlierRunError.reason(this.table, this.partitions, force)}`;
  }
}
