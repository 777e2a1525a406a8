import { Xoshiro128 } from "@autosing/base";
import { tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { encodeLyrics, encodeText, exportT2SOnnx, languageId, parseT2STunables, T2SConfigError, T2SGenerator, T2S_ONNX_NAMES as N, T2STfModel, T2STrainableModel } from "../src/index.js";
import type { T2SConfig, T2STunables } from "../src/index.js";
import { parity, randomInts, tinyConfig, tunables } from "./helpers.js";
import { randomT2SWeights } from "../src/testing.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

const en = languageId("en");
const de = languageId("de");

describe("lyrics and per-token languages (autosing/t2s.py generate, lang as a list)", () => {
  it("concatenate each stripped string's bytes; the leading eot and the padding take the first language", () => {
    expect(encodeLyrics([" ab ", "cd\n"], ["de", "en"], 8)).toEqual({ ttoks: [0, 97, 98, 99, 100, 0, 0, 0], languages: [de, de, de, en, en, de, de, de] });
    // Cut to the length like the bytes (F.pad with a negative pad).
    expect(encodeLyrics(["ab", "cd"], ["en", "de"], 4)).toEqual({ ttoks: [0, 97, 98, 99], languages: [en, en, en, de] });
    expect(encodeLyrics(" la\nla ", "de", 8)).toEqual({ ttoks: encodeText(" la\nla ", 8), languages: de });
    expect(encodeLyrics(["ab", "cd"], "de", 6)).toEqual({ ttoks: [0, 97, 98, 99, 100, 0], languages: de });
  });

  it("reject a language list with one string, lists of different lengths and unknown codes", () => {
    expect(() => encodeLyrics("ab", ["en"], 8)).toThrow(/list of strings/);
    expect(() => encodeLyrics(["ab", "cd"], ["en"], 8)).toThrow(/1 languages for 2 lyric strings/);
    expect(() => encodeLyrics(["ab"], ["xx"], 8)).toThrow(/unknown language code "xx"/);
  });
});

describe("t2s encoder with per-token languages", () => {
  const encodeRows = (config: T2SConfig, modelTunables: T2STunables, languages: tf.Tensor1D | tf.Tensor2D, ttoks: number[]): Float32Array => {
    const model = new T2STfModel(config, modelTunables, randomT2SWeights(config, modelTunables, 5));
    const random = Xoshiro128.fromWord(6);
    const xenc = tf.tidy(() =>
      model.encode(tf.tensor2d(ttoks, [1, config.ttoks_len], "int32"), languages, tf.tensor1d([3]), tf.tensor3d(randomInts(random, config.quantizers * config.mtoks_len, config.codes + 2), [1, config.quantizers, config.mtoks_len], "int32")).xenc.dataSync() as Float32Array,
    );
    model.dispose();
    return xenc;
  };
  const changedRows = (a: Float32Array, b: Float32Array, width: number): boolean[] =>
    Array.from({ length: a.length / width }, (_, r) => a.subarray(r * width, (r + 1) * width).some((v, i) => Math.abs(v - (b[r * width + i] ?? 0)) > 1e-6));

  const config = tinyConfig({ ttoks_len: 8 });
  const width = config.n_head * config.head_width;
  const both = encodeLyrics(["ab", "cd"], ["en", "de"], config.ttoks_len);
  const perToken = (ids: number | number[]): tf.Tensor2D => tf.tensor2d(typeof ids === "number" ? new Array<number>(config.ttoks_len).fill(ids) : ids, [1, config.ttoks_len], "int32");

  it("one language on every token equals the per-row form", () => {
    const rows = encodeRows(config, tunables, tf.tensor1d([de], "int32"), both.ttoks);
    const tokens = encodeRows(config, tunables, perToken(de), both.ttoks);
    expect(changedRows(rows, tokens, width)).toEqual(new Array(config.ttoks_len).fill(false));
  });

  it("two languages change the encoder output only where the second string's tokens are (and after, through the causal encoder)", () => {
    // With no encoder layers, each output row sees only its own token: exactly the second string's positions differ.
    const shallow = { ...tunables, encoder_depth_ratio: 0 };
    const alone = changedRows(encodeRows(config, shallow, perToken(en), both.ttoks), encodeRows(config, shallow, perToken(both.languages as number[]), both.ttoks), width);
    expect(alone).toEqual([false, false, false, true, true, false, false, false]);
    // The default causal text encoder: nothing before the second string changes, its tokens do.
    const causal = changedRows(encodeRows(config, tunables, perToken(en), both.ttoks), encodeRows(config, tunables, perToken(both.languages as number[]), both.ttoks), width);
    expect(causal.slice(0, 3)).toEqual([false, false, false]);
    expect(causal.slice(3, 5)).toEqual([true, true]);
  });

  it("tfjs and ONNX agree within 1e-4 relative with per-token languages, at two sizes", async () => {
    expect(await parity(tinyConfig(), 2, 3, { perTokenLanguages: true })).toBeLessThan(1e-4);
    expect(await parity(tinyConfig({ depth: 4, n_head: 3, head_width: 16, stoks_width: null, ffn_mult: 4 }), 1, 4, { perTokenLanguages: true })).toBeLessThan(1e-4);
  });

  it("the trainable model takes [size] or [size, ttoksLength] language ids", () => {
    const small = tinyConfig();
    const model = new T2STrainableModel(small, tunables, randomT2SWeights(small, tunables, 7));
    const random = Xoshiro128.fromWord(8);
    const t = small.ttoks_len;
    const s = small.stoks_len;
    const batch = {
      size: 1,
      ttoksLength: t,
      stoksLength: s,
      mtoksLength: small.mtoks_len,
      inTtoks: Int32Array.from(randomInts(random, t, 200)),
      outTtoks: Int32Array.from(randomInts(random, t, 200)),
      languages: Int32Array.from([de]),
      cps: Float32Array.from([12]),
      inStoks: Int32Array.from(randomInts(random, s, small.stoks_codes)),
      outStoks: Int32Array.from(randomInts(random, s, small.stoks_codes)),
      mtoks: Int32Array.from(randomInts(random, small.quantizers * small.mtoks_len, small.codes + 2)),
    };
    const loss = (languages: number[]): number => tf.tidy(() => model.loss({ ...batch, languages: Int32Array.from(languages) }, { training: true }).loss.dataSync()[0] ?? NaN);
    const perRow = loss([de]);
    expect(loss(new Array<number>(t).fill(de))).toBeCloseTo(perRow, 5);
    expect(Math.abs(loss([...new Array<number>(t - 2).fill(de), en, en]) - perRow)).toBeGreaterThan(1e-6);
    expect(() => loss([de, de])).toThrow(/languages: has 2 values, expected 1 \(one per row\) or 12 \(one per token\)/);
    model.dispose();
  });
});

describe("T2SGenerator with a list of languages", () => {
  const config = tinyConfig({ stoks_len: 12 });
  const weights = randomT2SWeights(config, tunables, 11);
  const random = Xoshiro128.fromWord(5);
  const music = Array.from({ length: config.quantizers }, () => randomInts(random, config.mtoks_len, config.codes + 2));

  it("a list with a single language equals the scalar form, token for token", async () => {
    const generator = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    try {
      const scalar = await generator.generate("la la\nlove", music, { language: "de", seed: 4, batchSize: 2 });
      const list = await generator.generate(["la la\nlove"], music, { language: ["de"], seed: 4, batchSize: 2 });
      const english = await generator.generate(["la la\nlove"], music, { language: ["en"], seed: 4, batchSize: 2 });
      expect(list).toEqual(scalar);
      // The language reaches the tokens: the same seed in another language samples something else.
      expect(english).not.toEqual(scalar);
    } finally {
      await generator.release();
    }
  });

  it("two languages change the ONNX encoder's text keys/values only from the second string on", async () => {
    const generator = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    try {
      const one = encodeLyrics(["ab", "cd"], ["en", "en"], config.ttoks_len);
      const two = encodeLyrics(["ab", "cd"], ["en", "de"], config.ttoks_len);
      const a = await generator.encode(one.ttoks, one.languages, 3, music, 1);
      const b = await generator.encode(two.ttoks, two.languages, 3, music, 1);
      const value = (out: typeof a): Float32Array => out[N.crossTextValue(0)]?.data as Float32Array; // [1, heads, text, head_dim]
      const headDim = config.head_width;
      const rowChanged = (r: number): boolean => value(a).subarray(r * headDim, (r + 1) * headDim).some((v, i) => Math.abs(v - (value(b)[r * headDim + i] ?? 0)) > 1e-6);
      const positions = Array.from({ length: config.ttoks_len }, (_, t) => Array.from({ length: config.n_head }, (_, h) => rowChanged(h * config.ttoks_len + t)).some(Boolean));
      expect(positions.slice(0, 3)).toEqual([false, false, false]);
      expect(positions.slice(3, 5)).toEqual([true, true]);
      await expect(generator.encode(one.ttoks, [en, de], 3, music, 1)).rejects.toThrow(/2 ids for 12 text tokens/);
    } finally {
      await generator.release();
    }
  });
});

describe("rope-less t2s tunables", () => {
  it("are rejected with upstream's reason", () => {
    const error = (() => {
      try {
        parseT2STunables({ rope: false });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(T2SConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/no rope switch upstream/);
    expect(parseT2STunables({ rope: true }).cps_bins).toBe(32);
  });
});
