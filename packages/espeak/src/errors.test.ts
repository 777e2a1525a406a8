import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { EspeakError, EspeakLoadError, EspeakOptionError, EspeakSynthesisError } from "./errors.js";

describe("espeak errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const option = new EspeakOptionError("voice", "xx", "unknown voice");
    const load = new EspeakLoadError("cannot load", { cause: new Error("wasm") });
    expect(EspeakOptionError.isInstance(option)).toBe(true);
    expect(EspeakOptionError.isInstance(load)).toBe(false);
    expect(EspeakSynthesisError.isInstance(load)).toBe(false);
    expect(EspeakError.isInstance(option) && EspeakError.isInstance(load)).toBe(true);
    expect(EspeakError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([option.name, option.option, option.message]).toEqual(["EspeakOptionError", "voice", 'invalid eSpeak option voice="xx": unknown voice']);
    expect([load.name, load.message, (load.cause as Error).message]).toEqual(["EspeakLoadError", "cannot load", "wasm"]);
  });
});
