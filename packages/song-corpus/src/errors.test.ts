import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { CorpusOptionError, CorpusWriteError, SongCorpusError, SongRenderError } from "./errors.js";

describe("song-corpus errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const option = new CorpusOptionError("songs", 0, "must be at least 1");
    const write = new CorpusWriteError("out/0/index.parquet", "disk full");
    expect(CorpusOptionError.isInstance(option)).toBe(true);
    expect(CorpusOptionError.isInstance(write)).toBe(false);
    expect(CorpusWriteError.isInstance(option)).toBe(false);
    expect(SongRenderError.isInstance(write)).toBe(false);
    expect(SongCorpusError.isInstance(option) && SongCorpusError.isInstance(write)).toBe(true);
    expect(SongCorpusError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([option.name, option.option, option.message]).toEqual(["CorpusOptionError", "songs", "invalid song-corpus option songs=0: must be at least 1"]);
    expect([write.name, write.message]).toEqual(["CorpusWriteError", "cannot write corpus file out/0/index.parquet: disk full"]);
  });
});
