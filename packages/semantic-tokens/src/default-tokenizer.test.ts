import { describe, expect, it } from "vitest";

import {
  createDefaultTokenizer,
  fitDefaultTokenizer,
  parseDefaultTokenizer,
  semanticFeatures,
  serializeDefaultTokenizer,
} from "./default-tokenizer.js";
import { InvalidSemanticAudioError, TokenizerFileError } from "./errors.js";
import { concat, vowel } from "./__fixtures__/signals.js";
import { encodeChunk, tokenCountForSamples } from "./tokenizer.js";

/** The most frequent token in a slice: a steady vowel should map to one dominant code. */
function mode(tokens: Int32Array): { token: number; share: number } {
  const counts = new Map<number, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  let best = -1;
  let bestCount = 0;
  for (const [t, c] of counts) if (c > bestCount) [best, bestCount] = [t, c];
  return { token: best, share: bestCount / tokens.length };
}

describe("semanticFeatures", () => {
  it("gives 25 unit-length vectors of 80 mels per second", () => {
    const { data, count, dim } = semanticFeatures(vowel("a", 2, 180, 1));
    expect(dim).toBe(80);
    expect(count).toBe(50);
    for (let t = 0; t < count; t++) {
      let norm = 0;
      for (let d = 0; d < dim; d++) norm += data[t * dim + d]! ** 2;
      expect(Math.sqrt(norm)).toBeCloseTo(1, 4);
    }
  });
});

describe("default tokenizer", () => {
  // Training clips: each vowel at two pitches, in a sequence so the per-utterance mean is shared.
  const training = [
    concat(vowel("a", 1, 150, 1), vowel("i", 1, 150, 2), vowel("u", 1, 150, 3)),
    concat(vowel("u", 1, 220, 4), vowel("a", 1, 220, 5), vowel("i", 1, 220, 6)),
  ];
  const model = fitDefaultTokenizer(training, { codes: 8, seed: 7 });
  const tokenizer = createDefaultTokenizer(model);

  it("maps each steady vowel to one dominant code, different codes for different vowels, across pitch", async () => {
    const held = concat(vowel("i", 1, 185, 10), vowel("a", 1, 185, 11), vowel("u", 1, 185, 12));
    const tokens = await tokenizer.encode(held);
    expect(tokens.length).toBe(75);
    // Skip the 2 tokens on each side of a boundary, where the windows straddle two vowels.
    const segments = [tokens.slice(2, 23), tokens.slice(27, 48), tokens.slice(52, 73)].map(mode);
    for (const segment of segments) expect(segment.share).toBeGreaterThan(0.8);
    expect(new Set(segments.map((s) => s.token)).size).toBe(3);
  });

  it("is deterministic: same audio, same tokens; same seed, same codebook", async () => {
    const clip = concat(vowel("a", 0.5, 170, 20), vowel("u", 0.5, 170, 21));
    expect(await tokenizer.encode(clip)).toEqual(await tokenizer.encode(clip));
    expect(fitDefaultTokenizer(training, { codes: 8, seed: 7 }).codebook).toEqual(model.codebook);
  });

  it("produces the contract's token count: 375 per 15 s, 750 per 30 s chunk via encodeChunk", async () => {
    const fifteen = new Float32Array(15 * 16_000);
    fifteen.set(vowel("a", 15, 160, 30));
    expect(tokenCountForSamples(fifteen.length)).toBe(375);
    expect((await tokenizer.encode(fifteen)).length).toBe(375);
    const chunk = await encodeChunk(tokenizer, concat(fifteen, fifteen.subarray(0, 10 * 16_000)));
    expect(chunk.length).toBe(750);
    for (const t of chunk) expect(t >= 0 && t < model.codes).toBe(true);
  });

  it("round-trips through its JSON file form", async () => {
    const parsed = parseDefaultTokenizer(serializeDefaultTokenizer(model));
    expect(parsed.codes).toBe(8);
    expect(parsed.codebook).toEqual(model.codebook);
  });

  it("rejects bad files and bad audio with errors naming the problem", async () => {
    expect(() => parseDefaultTokenizer("{", "tok.json")).toThrow(TokenizerFileError);
    expect(() => parseDefaultTokenizer(JSON.stringify({ format: "other" }), "tok.json")).toThrow(/format is "other"/);
    const truncated = JSON.parse(serializeDefaultTokenizer(model)) as Record<string, unknown>;
    truncated.codebook = (truncated.codebook as string).slice(0, 40);
    expect(() => parseDefaultTokenizer(JSON.stringify(truncated), "tok.json")).toThrow(/expected 2560/);
    await expect(tokenizer.encode(new Float32Array(0))).rejects.toThrow(InvalidSemanticAudioError);
    const nan = vowel("a", 0.2, 150, 1);
    nan[100] = Number.NaN;
    await expect(tokenizer.encode(nan)).rejects.toThrow(/sample 100 is NaN/);
    await expect(tokenizer.encode(new Float32Array(31 * 16_000))).rejects.toThrow(/longer than one 30 s window/);
    expect(() => fitDefaultTokenizer(training, { codes: 4096 })).toThrow(/codes must be an integer in \[1, 2048\]/);
  });
});
