/**
 * The tokens JSON file of `autosing codec encode` / `decode`:
 * `{"format": "autosing.tokens", "codec": …, "sampleRate": …, "shape": [4, T], "data": [4·T integers]}`.
 * Reading checks every value against the codec that will decode it, because `Int32Array.from`
 * would silently turn a string into 0 and a float into its integer part, and the default codec
 * decodes a code past its codebook as another code: either way the WAV is wrong and nothing says so.
 */
import type { AcousticCodec, Tokens } from "@autosing/audio-codec";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";

export const TOKENS_FORMAT = "autosing.tokens";

type TokensCodec = Pick<AcousticCodec, "name" | "quantizers" | "numCodes" | "codebookSize">;

function badTokens(file: string, message: string): CliError {
  return new CliError(`autosing codec: ${file}: ${message}`, ExitCode.badInput);
}

/** The body of a tokens file, as `autosing codec encode` writes it. */
export function tokensFileBody(codec: Pick<AcousticCodec, "name" | "sampleRate">, tokens: Tokens): string {
  return JSON.stringify({ format: TOKENS_FORMAT, codec: codec.name, sampleRate: codec.sampleRate, shape: tokens.shape, data: Array.from(tokens.data) });
}

/**
 * Parses a tokens file's text for `codec`: shape `[quantizers, T]`, `data` of quantizers · T
 * integers each in [0, codebook size). Throws a bad-input CliError naming the file, the first bad
 * value with its index (and level, frame) and the range.
 */
export function parseTokensFile(file: string, text: string, codec: TokensCodec): Tokens {
  let body: { format?: unknown; shape?: unknown; data?: unknown };
  try {
    body = JSON.parse(text) as typeof body;
  } catch (error) {
    throw badTokens(file, `not a tokens JSON file (${(error as Error).message})`);
  }
  const expected = `expected {"format": "${TOKENS_FORMAT}", "shape": [${codec.quantizers}, T], "data": [...]} as written by "autosing codec encode"`;
  if (typeof body !== "object" || body === null || body.format !== TOKENS_FORMAT || !Array.isArray(body.shape) || !Array.isArray(body.data)) {
    throw badTokens(file, expected);
  }
  const shape: unknown[] = body.shape;
  const data: unknown[] = body.data;
  const [levels, frames] = shape;
  if (shape.length !== 2 || levels !== codec.quantizers || typeof frames !== "number" || !Number.isInteger(frames) || frames < 0) {
    throw badTokens(file, `shape ${JSON.stringify(shape)} must be [${codec.quantizers}, T] with T a whole number of frames (${codec.name} has ${codec.quantizers} levels)`);
  }
  if (data.length !== levels * frames) throw badTokens(file, `data has ${data.length} values, but shape [${levels}, ${frames}] needs ${levels * frames}`);
  const limit = codec.codebookSize ?? codec.numCodes;
  const values = new Int32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const value = data[i];
    if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value >= limit) {
      throw badTokens(
        file,
        `data[${i}] (level ${Math.floor(i / frames)}, frame ${i % frames}) is ${JSON.stringify(value)}; tokens of codec ${codec.name} are integers in [0, ${limit}): ` +
          "decode the file with the codec that encoded it",
      );
    }
    values[i] = value;
  }
  return { data: values, shape: [levels, frames] };
}
