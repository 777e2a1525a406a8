import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { InvalidSemanticAudioError, SemanticModelContractError, SemanticTokensError, TokenizerFileError } from "./errors.js";

describe("semantic-tokens errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const audio = new InvalidSemanticAudioError("a.wav", "audio is empty");
    const contract = new SemanticModelContractError("bn.onnx", "no output");
    expect(InvalidSemanticAudioError.isInstance(audio)).toBe(true);
    expect(InvalidSemanticAudioError.isInstance(contract)).toBe(false);
    expect(SemanticModelContractError.isInstance(audio)).toBe(false);
    expect(TokenizerFileError.isInstance(contract)).toBe(false);
    expect(SemanticTokensError.isInstance(audio) && SemanticTokensError.isInstance(contract)).toBe(true);
    expect(SemanticTokensError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([audio.name, audio.reason, audio.message]).toEqual(["InvalidSemanticAudioError", "audio is empty", "a.wav: audio is empty"]);
    expect(contract.name).toBe("SemanticModelContractError");
  });
});
