import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/parquet-io` throws. `ParquetIoError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class ParquetIoError extends AutosingError {
  static override readonly scope: string = "parquet-io";
}

/** An alignment struct whose parallel arrays disagree (e.g. more tokens claimed by words than exist). */
export class AlignmentShapeError extends ParquetIoError {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`alignment.${field}: ${message}`);
  }
}

/** A Parquet file that cannot be opened or decoded (missing, truncated, not Parquet). */
export class ParquetFileError extends ParquetIoError {
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${file}: ${message}`, options);
  }
}

/** A step table that lacks a column its schema requires. */
export class MissingColumnError extends ParquetIoError {
  constructor(
    readonly file: string,
    readonly column: string,
    readonly available: readonly string[],
  ) {
    super(
      `${file}: missing column "${column}" (file has: ${available.join(", ") || "no columns"}); ` +
        "regenerate the file with the step that writes it",
    );
  }
}

/** A column whose Parquet/Arrow type or a value that does not match the step table's schema. */
export class ColumnTypeError extends ParquetIoError {
  constructor(
    readonly file: string,
    readonly column: string,
    readonly expected: string,
    readonly actual: string,
    readonly row?: number,
  ) {
    super(
      `${file}: column "${column}"${row === undefined ? "" : ` row ${row}`}: expected ${expected}, got ${actual}`,
    );
  }
}

/** A misuse of a writer (writing after finish, a batch that does not match the table's columns). */
export class WriterStateError extends ParquetIoError {
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

/** A dataset directory that does not follow the partition layout (`<dir>/<n>/<step>.parquet`). */
export class DatasetLayoutError extends ParquetIoError {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

/** A dataset folder that does not exist, is a file, or cannot be listed: the path is the problem, not the data. */
export class DatasetFolderError extends DatasetLayoutError {}

/** A row handed to the Arrow bridge that lacks a value its column needs (a non-nullable column). */
export class ArrowRowError extends ParquetIoError {
  constructor(
    readonly column: string,
    readonly row: number,
    message: string,
  ) {
    super(`arrow bridge: row ${row}, column "${column}": ${message}`);
  }
}
