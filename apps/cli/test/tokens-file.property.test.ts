// Property tests of the tokens JSON file of `autosing codec encode` / `decode` (issue #17): any text
// never escapes parseTokensFile as anything but the CLI's own bad-input error naming the file, and
// what tokensFileBody writes parses back to the same tokens. Seeded, so a failure reproduces;
// fast-check prints the seed and the shrunk counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { CliError, ExitCode } from "../src/index.js";
import { TOKENS_FORMAT, parseTokensFile, tokensFileBody } from "../src/shared/tokens-file.js";

const runs = { seed: 17, numRuns: 300 };
const FILE = "/data/song.tokens.json";
const codec = { name: "default-16", sampleRate: 32000, quantizers: 4, numCodes: 16, codebookSize: 16 };

/** Parses `text`; returns normally, or rethrows what is not a bad-input CliError naming the file. */
function onlyOwnErrors(text: string): void {
  try {
    parseTokensFile(FILE, text, codec);
  } catch (error) {
    if (!CliError.isInstance(error) || error.exitCode !== ExitCode.badInput || !error.message.includes(FILE)) throw error;
  }
}

/** JSON values near a tokens file: right keys, wrong kinds, odd numbers. */
const value = fc.oneof(
  fc.integer({ min: -3, max: 20 }),
  fc.double(),
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, 2 ** 53, 1.5),
  fc.string({ maxLength: 4 }),
  fc.boolean(),
  fc.constant(null),
);
const nearTokens = fc.record(
  {
    format: fc.oneof(fc.constant(TOKENS_FORMAT), fc.string({ maxLength: 6 }), value),
    shape: fc.oneof(fc.tuple(fc.constant(4), fc.integer({ min: -1, max: 6 })), fc.array(value, { maxLength: 3 }), value),
    data: fc.oneof(fc.array(value, { maxLength: 30 }), fc.array(fc.integer({ min: 0, max: 15 }), { maxLength: 30 }), value),
  },
  { requiredKeys: [] },
);

describe("parseTokensFile (property)", () => {
  it("throws nothing but a bad-input CliError naming the file for arbitrary text", () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), onlyOwnErrors), runs);
  });

  it("throws nothing but a bad-input CliError naming the file for JSON close to a tokens file", () => {
    fc.assert(fc.property(fc.oneof(nearTokens, fc.jsonValue({ maxDepth: 3 })), (body) => onlyOwnErrors(JSON.stringify(body) ?? "undefined")), runs);
  });

  it("parses back what tokensFileBody writes", () => {
    const tokens = fc.integer({ min: 0, max: 12 }).chain((frames) =>
      fc.array(fc.integer({ min: 0, max: 15 }), { minLength: 4 * frames, maxLength: 4 * frames }).map((data) => ({ data: Int32Array.from(data), shape: [4, frames] as [number, number] })),
    );
    fc.assert(
      fc.property(tokens, (written) => {
        const read = parseTokensFile(FILE, tokensFileBody(codec, written), codec);
        expect(read.shape).toEqual(written.shape);
        expect([...read.data]).toEqual([...written.data]);
      }),
      runs,
    );
  });

  it("refuses every token outside the codebook, naming its index", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.nat(), fc.oneof(fc.integer({ min: 16, max: 1e6 }), fc.integer({ min: -1e6, max: -1 })), (frames, at, bad) => {
        const data = new Array<number>(4 * frames).fill(3);
        const index = at % data.length;
        data[index] = bad;
        const text = JSON.stringify({ format: TOKENS_FORMAT, shape: [4, frames], data });
        expect(() => parseTokensFile(FILE, text, codec)).toThrow(`data[${index}]`);
      }),
      runs,
    );
  });
});
