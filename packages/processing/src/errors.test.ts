import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { MissingInputError, ModelRequiredError, ProcessingError, RowInputError, StepOptionError } from "./errors.js";

describe("processing errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const missing = new MissingInputError("stoks", "0/vocals.parquet", "src_sep");
    const row = new RowInputError("chunk too short");
    expect(MissingInputError.isInstance(missing)).toBe(true);
    expect(MissingInputError.isInstance(row)).toBe(false);
    expect(RowInputError.isInstance(missing)).toBe(false);
    expect(ModelRequiredError.isInstance(new RowInputError("chunk too short"))).toBe(false);
    expect(ProcessingError.isInstance(missing) && ProcessingError.isInstance(row)).toBe(true);
    expect(ProcessingError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([missing.name, missing.producer, missing.message]).toEqual([
      "MissingInputError",
      "src_sep",
      'stoks: input 0/vocals.parquet does not exist; run "autosing process src_sep" on this partition first',
    ]);
    expect(row.name).toBe("RowInputError");
    expect(new MissingInputError("align", "0/index.parquet", "corpus make", 'write index.parquet (or "autosing corpus make")').message).toBe(
      'align: input 0/index.parquet does not exist; write index.parquet (or "autosing corpus make")',
    );
    expect(new StepOptionError("vad_extract", "chunk length", 0, "must be positive").message).toBe("vad_extract: option chunk length = 0: must be positive");
  });
});
