import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { ModelConfigError, NnError, SafetensorsFormatError, StateDictMismatchError, TensorShapeError } from "./errors.js";

describe("nn errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const config = new ModelConfigError("n_head", 3, "must divide width");
    const mismatch = new StateDictMismatchError(["a.weight"], [], []);
    expect(ModelConfigError.isInstance(config)).toBe(true);
    expect(ModelConfigError.isInstance(mismatch)).toBe(false);
    expect(StateDictMismatchError.isInstance(config)).toBe(false);
    expect(SafetensorsFormatError.isInstance(new TensorShapeError("tokens", "wrong rank"))).toBe(false);
    expect(NnError.isInstance(config) && NnError.isInstance(mismatch)).toBe(true);
    expect(NnError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([config.name, config.field, config.message]).toEqual(["ModelConfigError", "n_head", "config field n_head = 3: must divide width"]);
    expect([mismatch.name, mismatch.message]).toEqual(["StateDictMismatchError", "state dict does not match the model: missing keys: a.weight"]);
  });
});
