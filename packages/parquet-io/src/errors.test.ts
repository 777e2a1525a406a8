import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { SplitShapeError } from "./split-row.js";
import {
  AlignmentShapeError,
  ColumnTypeError,
  DatasetLayoutError,
  MissingColumnError,
  ParquetFileError,
  ParquetIoError,
  WriterStateError,
} from "./errors.js";
import { CellTypeError } from "./cell-values.js";

describe("parquet-io errors", () => {
  const shape = new AlignmentShapeError("tokens_per_word", "words claim 5 tokens but there are 4");
  const others: ParquetIoError[] = [
    new ParquetFileError("0/index.parquet", "cannot open"),
    new MissingColumnError("0/index.parquet", "audio", ["id"]),
    new ColumnTypeError("0/index.parquet", "audio", "binary", "int32", 3),
    new WriterStateError("0/index.parquet", "already finished"),
    new DatasetLayoutError("data", "no partition folders"),
    new SplitShapeError("atoks", "song_at_0", 7, "4 × T"),
    new CellTypeError("string \"x\""),
  ];

  it("narrows per class: AlignmentShapeError.isInstance is false for every other parquet-io error", () => {
    expect(AlignmentShapeError.isInstance(shape)).toBe(true);
    for (const other of others) {
      expect(AlignmentShapeError.isInstance(other), other.name).toBe(false);
      expect(ParquetIoError.isInstance(other), other.name).toBe(true);
    }
    expect(ParquetIoError.isInstance(shape)).toBe(true);
    expect(AutosingError.isInstance(shape)).toBe(true);
    expect(ParquetIoError.isInstance(new AutosingError("another package"))).toBe(false);
    expect(ParquetIoError.isInstance(new Error("plain"))).toBe(false);
  });

  it("keeps class names, messages and typed fields", () => {
    expect(shape.name).toBe("AlignmentShapeError");
    expect(shape.message).toBe("alignment.tokens_per_word: words claim 5 tokens but there are 4");
    expect(shape.field).toBe("tokens_per_word");
    expect(others.map((error) => error.name)).toEqual([
      "ParquetFileError",
      "MissingColumnError",
      "ColumnTypeError",
      "WriterStateError",
      "DatasetLayoutError",
      "SplitShapeError",
      "CellTypeError",
    ]);
    expect(others[2]?.message).toBe('0/index.parquet: column "audio" row 3: expected binary, got int32');
  });
});
