import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { AlignTooManyTokensError, LrcAlignError, LrcParseError, ModelContractError, SilentAudioError } from "./errors.js";

describe("lrc-align errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const parse = new LrcParseError(2, "[xx]la", "malformed time stamp");
    const contract = new ModelContractError("frame.onnx: expected 42 classes");
    expect(LrcParseError.isInstance(parse)).toBe(true);
    expect(LrcParseError.isInstance(contract)).toBe(false);
    expect(ModelContractError.isInstance(parse)).toBe(false);
    expect(SilentAudioError.isInstance(contract)).toBe(false);
    expect(LrcAlignError.isInstance(parse) && LrcAlignError.isInstance(contract)).toBe(true);
    expect(LrcAlignError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([parse.name, parse.lineNumber, parse.message]).toEqual(["LrcParseError", 2, 'LRC line 2: malformed time stamp: "[xx]la"']);
    expect(contract.name).toBe("ModelContractError");
    expect(new AlignTooManyTokensError(10, 4).message).toBe("too many tokens (10) for emission (length 4), even with frames repeated ×4");
  });
});
