import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { type AcousticCodec, CodecLoadError } from "@autosing/audio-codec";
import { afterAll, describe, expect, it } from "vitest";

import { atoks } from "../src/index.js";

const dataset = mkdtempSync(join(tmpdir(), "atoks-levels-"));
afterAll(() => rmSync(dataset, { recursive: true, force: true }));

/** The sizes of an imported SNAC 24 kHz (3 levels); atoks must refuse it before it runs anything. */
const threeLevels: AcousticCodec = {
  name: "snac_24khz",
  sampleRate: 24000,
  frameRate: 24000 / 512,
  quantizers: 3,
  numCodes: 4096,
  alignment: 4,
  hopLength: 512,
  encodeMultiple: 2048,
  encode: () => Promise.reject(new Error("atoks must not encode with a 3-level codec")),
  decode: () => Promise.reject(new Error("unused")),
  dispose: () => Promise.resolve(),
};

describe("atoks with a codec that is not 4-level", () => {
  it("refuses it by name before reading or writing the partition", async () => {
    const run = atoks(dataset, 0, { codec: threeLevels, source: "vocals" });
    await expect(run).rejects.toThrow(CodecLoadError);
    await expect(atoks(dataset, 0, { codec: threeLevels, source: "vocals" })).rejects.toThrow(/snac_24khz: the atoks step needs a codec with 4 levels .* has 3/);
    expect(readdirSync(dataset)).toEqual([]);
  });
});
