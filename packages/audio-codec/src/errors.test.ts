import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { AudioCodecError, CodecLoadError, CorruptAudioError, TokenRangeError, UnknownAudioFormatError } from "./errors.js";

describe("audio-codec errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const load = new CodecLoadError("snac:models", "encoder.onnx is missing");
    const unknown = new UnknownAudioFormatError("song.xyz", "00 01 02 03");
    expect(CodecLoadError.isInstance(load)).toBe(true);
    expect(CodecLoadError.isInstance(unknown)).toBe(false);
    expect(UnknownAudioFormatError.isInstance(load)).toBe(false);
    expect(AudioCodecError.isInstance(load) && AudioCodecError.isInstance(unknown)).toBe(true);
    expect(AudioCodecError.isInstance(new AutosingError("another package"))).toBe(false);
    expect(load.name).toBe("CodecLoadError");
    expect(load.message).toBe("snac:models: encoder.onnx is missing");
    const cause = new Error("bad frame");
    const corrupt = new CorruptAudioError("a.flac", "FLAC", "bad frame", { cause });
    expect([corrupt.name, corrupt.format, corrupt.cause]).toEqual(["CorruptAudioError", "FLAC", cause]);
    expect(new TokenRangeError("decode", 0, 5000, 4096).message).toBe("decode: token 0 has value 5000, outside [0, 4096)");
  });
});
