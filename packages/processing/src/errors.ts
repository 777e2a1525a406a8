import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/processing` throws. `ProcessingError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class ProcessingError extends AutosingError {
  static override readonly scope: string = "processing";
}

/**
 * A step's input table (written by an earlier step) is absent: run that step first. `howToMake`
 * says so when `producer` is not a processing step (index.parquet comes from a corpus or the user).
 */
export class MissingInputError extends ProcessingError {
  constructor(
    readonly step: string,
    readonly file: string,
    readonly producer: string,
    howToMake = `run "autosing process ${producer}" on this partition first`,
  ) {
    super(`${step}: input ${file} does not exist; ${howToMake}`);
  }
}

/** A step needs a model the caller did not give (the artist embedder, a codec, a tokenizer). */
export class ModelRequiredError extends ProcessingError {
  constructor(
    readonly step: string,
    readonly model: string,
    readonly howToGetOne: string,
  ) {
    super(`${step}: needs ${model}. ${howToGetOne}`);
  }
}

/** A step option out of range. */
export class StepOptionError extends ProcessingError {
  constructor(
    readonly step: string,
    readonly option: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`${step}: option ${option} = ${JSON.stringify(value)}: ${reason}`);
  }
}

/** Every input row of a partition failed: nothing is written, so the partition stays "missing". */
export class AllRowsFailedError extends ProcessingError {
  constructor(
    readonly step: string,
    readonly file: string,
    readonly failures: readonly { readonly id: string; readonly message: string }[],
  ) {
    super(`${step}: all ${failures.length} rows of ${file} failed (first: ${failures[0]?.id ?? "?"}: ${failures[0]?.message ?? "?"}); nothing written`);
  }
}

/** With `strict`, some input rows of a partition failed: nothing is written, so the partition stays "missing". */
export class StrictRowFailuresError extends ProcessingError {
  constructor(
    readonly step: string,
    readonly file: string,
    readonly rowsIn: number,
    readonly failures: readonly { readonly row: number; readonly id: string }[],
  ) {
    // Each row was reported as it failed; the message names the first few, not thousands.
    const shown = failures.slice(0, 5).map((failure) => `${failure.row} (id ${failure.id})`);
    const rows = failures.length > shown.length ? `${shown.join(", ")} and ${failures.length - shown.length} more` : shown.join(", ");
    super(`${step}: ${failures.length} of ${rowsIn} rows of ${file} failed (rows ${rows}); strict is set, so nothing is written (fix or remove those rows, or drop --strict to skip them)`);
  }
}

/** A per-row failure of one of this package's own checks (a chunk too short for the embedder, a bad chunk id). */
export class RowInputError extends ProcessingError {}
