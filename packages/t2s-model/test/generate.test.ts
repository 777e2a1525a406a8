import { Xoshiro128 } from "@autosing/base";
import { argmax, tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { encodeText, exportT2SOnnx, languageId, T2SGenerator, T2STfModel } from "../src/index.js";
import { randomInts, tinyConfig, tunables } from "./helpers.js";
import { randomT2SWeights } from "../src/testing.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

const config = tinyConfig({ stoks_len: 16 });
const weights = randomT2SWeights(config, tunables, 11);
const music = (() => {
  const random = Xoshiro128.fromWord(5);
  return Array.from({ length: config.quantizers }, () => randomInts(random, config.mtoks_len, config.codes + 2));
})();

describe("text tokens", () => {
  it("are [eot, UTF-8 bytes of the trimmed text] padded with eot, as upstream CharTokenizer + F.pad", () => {
    expect(encodeText("  ab\nç ", 8)).toEqual([0, 97, 98, 10, 0xc3, 0xa7, 0, 0]);
    expect(encodeText("abcdef", 4)).toEqual([0, 97, 98, 99]);
  });
});

describe("t2s generation on onnxruntime", () => {
  it("greedy KV-cache decoding reproduces the argmax of one full tfjs forward, token for token", async () => {
    const generator = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const n = config.stoks_len + 1;
    const [generated] = await generator.generate("la la\nlove", music, { greedy: true, steps: n, charactersPerSecond: 1 });
    await generator.release();
    expect(generated).toHaveLength(n - 1);

    // Same inputs through the training forward: SOT + generated[:-1] must predict generated.
    const model = new T2STfModel(config, tunables, weights);
    const masked = music.map((row, level) => (level >= 2 ? row.map(() => config.codes) : row));
    const inputs = [config.stoks_codes - 1, ...(generated ?? []).slice(0, -1)];
    const logits = tf.tidy(() =>
      model
        .forward({
          inTtoks: tf.tensor2d(encodeText("la la\nlove", config.ttoks_len), [1, config.ttoks_len], "int32"),
          languages: tf.tensor1d([languageId("en")], "int32"),
          cps: tf.tensor1d([1]),
          inStoks: tf.tensor2d(inputs, [1, inputs.length], "int32"),
          mtoks: tf.tensor3d(masked.flat(), [1, config.quantizers, config.mtoks_len], "int32"),
        })
        .dataSync(),
    );
    model.dispose();
    const vocab = config.stoks_codes + 1;
    const fullArgmax = inputs.map((_, t) => argmax(logits.subarray(t * vocab, (t + 1) * vocab)));
    expect(generated).toEqual(fullArgmax);
  });

  it("step-by-step KV-cache logits on forced random tokens match the full tfjs forward at every position", async () => {
    const generator = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const random = Xoshiro128.fromWord(9);
    const batch = 2;
    const length = config.stoks_len;
    const tokens = Array.from({ length: batch }, () => randomInts(random, length, config.stoks_codes + 1));
    const text = encodeText("step by step", config.ttoks_len);
    const encoded = await generator.encode(text, languageId("de"), 12, music, batch);
    const vocab = config.stoks_codes + 1;
    const stepLogits: Float32Array[] = [];
    let past = null;
    for (let t = 0; t < length; t++) {
      const out = await generator.step(encoded, tokens.map((row) => row[t] ?? 0), [t], batch, past);
      stepLogits.push(out.logits.slice());
      past = out.present;
    }
    await generator.release();

    const model = new T2STfModel(config, tunables, weights);
    const full = tf.tidy(() =>
      model
        .forward({
          inTtoks: tf.tensor2d([...text, ...text], [batch, config.ttoks_len], "int32"),
          languages: tf.tensor1d([languageId("de"), languageId("de")], "int32"),
          cps: tf.tensor1d([12, 12]),
          inStoks: tf.tensor2d(tokens.flat(), [batch, length], "int32"),
          mtoks: tf.tensor3d([...music.flat(), ...music.flat()], [batch, config.quantizers, config.mtoks_len], "int32"),
        })
        .dataSync(),
    );
    model.dispose();
    let worst = 0;
    let scale = 0;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < length; t++) {
        const got = stepLogits[t]?.subarray(b * vocab, (b + 1) * vocab) ?? new Float32Array();
        const want = full.subarray((b * length + t) * vocab, (b * length + t + 1) * vocab);
        expect(argmax(got)).toBe(argmax(want));
        for (let v = 0; v < vocab; v++) {
          worst = Math.max(worst, Math.abs((got[v] ?? 0) - (want[v] ?? 0)));
          scale = Math.max(scale, Math.abs(want[v] ?? 0));
        }
      }
    }
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it("int8 decoder weights stay within 5e-2 relative of the float32 decoder and keep most argmaxes", async () => {
    const float = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const int8 = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights, { decoderWeights: "int8" }), config, tunables, { threads: 1 });
    const random = Xoshiro128.fromWord(12);
    const tokens = randomInts(random, config.stoks_len, config.stoks_codes + 1);
    const positions = tokens.map((_, i) => i);
    const run = async (generator: T2SGenerator): Promise<Float32Array> => {
      const encoded = await generator.encode(encodeText("int eight", config.ttoks_len), 0, 10, music, 1);
      return (await generator.step(encoded, tokens, positions, 1, null)).logits;
    };
    const a = await run(float);
    const b = await run(int8);
    await float.release();
    await int8.release();
    let worst = 0;
    let scale = 0;
    let same = 0;
    const vocab = config.stoks_codes + 1;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
      scale = Math.max(scale, Math.abs(a[i] ?? 0));
    }
    for (let t = 0; t < tokens.length; t++) if (argmax(a.subarray(t * vocab, (t + 1) * vocab)) === argmax(b.subarray(t * vocab, (t + 1) * vocab))) same++;
    console.log(`t2s int8 decoder: relative error ${(worst / scale).toExponential(2)}, argmax agreement ${same}/${tokens.length}`);
    expect(worst / scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(5e-2);
    expect(same / tokens.length).toBeGreaterThanOrEqual(0.8);
  });

  it("seeded sampling: same seed gives the same tokens, another seed other tokens; prompt and batch rows", async () => {
    const generator = await T2SGenerator.create(exportT2SOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    try {
      const a = await generator.generate("hello", music, { seed: 3, temperature: 1, batchSize: 2 });
      const b = await generator.generate("hello", music, { seed: 3, temperature: 1, batchSize: 2 });
      const c = await generator.generate("hello", music, { seed: 4, temperature: 1, batchSize: 2 });
      expect(a).toEqual(b);
      expect(a).not.toEqual(c);
      expect(a[0]).not.toEqual(a[1]);
      const prompted = await generator.generate("hello", music, { seed: 3, stoksPrompt: [1, 2, 3], steps: 12, topK: 3 });
      expect(prompted[0]?.slice(0, 3)).toEqual([1, 2, 3]);
      expect(prompted[0]).toHaveLength(11);
      await expect(generator.generate("hello", music, { steps: config.stoks_len + 2 })).rejects.toThrow(/beyond stoks_len/);
    } finally {
      await generator.release();
    }
  });
});
