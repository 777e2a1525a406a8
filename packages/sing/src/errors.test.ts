import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { SingError, SingInputError, SingModelError, SingOptionError } from "./errors.js";

describe("sing errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const option = new SingOptionError("--length", -1, "seconds > 0");
    const model = new SingModelError("--t2s", "models/t2s", "has no config.json");
    expect(SingOptionError.isInstance(option)).toBe(true);
    expect(SingOptionError.isInstance(model)).toBe(false);
    expect(SingModelError.isInstance(option)).toBe(false);
    expect(SingInputError.isInstance(model)).toBe(false);
    expect(SingError.isInstance(option) && SingError.isInstance(model)).toBe(true);
    expect(SingError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([option.name, option.flag, option.message]).toEqual(["SingOptionError", "--length", "--length -1: seconds > 0"]);
    expect([model.name, model.message]).toEqual(["SingModelError", "--t2s models/t2s: has no config.json"]);
  });
});
