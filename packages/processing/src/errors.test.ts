import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { MissingInputError, ModelRequiredError, ProcessingError, RowInputError, StepOptionError } from "./errors.js";
import { SeparatorContractError } from "./mdx-onnx.js";

describe("processing errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const missing = new MissingInputError("stoks", "0/vocals.parquet", "src_sep");
    const contract = new SeparatorContractError("mdx.onnx", "2 inputs");
    expect(MissingInputError.isInstance(missing)).toBe(true);
    expect(MissingInputError.isInstance(contract)).toBe(false);
    expect(SeparatorContractError.isInstance(missing)).toBe(false);
    expect(ModelRequiredError.isInstance(new RowInputError("chunk too short"))).toBe(false);
    expect(ProcessingError.isInstance(missing) && ProcessingError.isInstance(contract)).toBe(true);
    expect(ProcessingError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([missing.name, missing.producer, missing.message]).toEqual([
      "MissingInputError",
      "src_sep",
      'stoks: input 0/vocals.parquet does not exist; run "autosing process src_sep" on this partition first',
    ]);
    expect(contract.name).toBe("SeparatorContractError");
    expect(new StepOptionError("vad_extract", "chunk length", 0, "must be positive").message).toBe("vad_extract: option chunk length = 0: must be positive");
  });
});
