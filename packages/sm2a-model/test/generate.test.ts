import { Xoshiro128 } from "@autosing/base";
import { argmax, tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { exportSM2AOnnx, sm2aDimensions, SM2AGenerator, SM2ATfModel } from "../src/index.js";
import { randomFloats, randomInts, relativeError, testWeights, tinyConfig, tunables } from "./helpers.js";
import { randomSM2AWeights } from "../src/testing.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

const config = tinyConfig({ ctx_n: 14 });
const dims = sm2aDimensions(config, tunables);
const q = config.quantizers;
const weights = randomSM2AWeights(config, tunables, 21, testWeights);
const random = Xoshiro128.fromWord(8);
const semantic = randomInts(random, 4, config.stoks_codes - 1);
const music = Array.from({ length: q }, () => randomInts(random, config.mtoks_len, config.codes + 2));
const speaker = randomFloats(random, dims.spkWidth);

function fullForward(tokens: number[][], length: number): Float32Array {
  const model = new SM2ATfModel(config, tunables, weights);
  const padded = [config.stoks_codes - 1, ...semantic];
  while (padded.length < config.stoks_len) padded.push(config.stoks_codes - 1);
  const logits = tf.tidy(() =>
    model
      .forward({
        stoks: tf.tensor2d(padded, [1, config.stoks_len], "int32"),
        speakers: tf.tensor2d(speaker, [1, dims.spkWidth]),
        mtoks: tf.tensor3d(music.flat(), [1, q, config.mtoks_len], "int32"),
        atoks: tf.tensor3d(tokens.map((row) => row.slice(0, length)).flat(), [1, q, length], "int32"),
      })
      .dataSync(),
  );
  model.dispose();
  return logits as Float32Array;
}

describe("sm2a generation on onnxruntime", () => {
  it("greedy KV-cache decoding reproduces the argmax of one full tfjs forward, token for token", async () => {
    const generator = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const ctx = config.ctx_n;
    const template = Array.from({ length: q }, () => new Array<number>(ctx).fill(0));
    const { patterned, codes } = await generator.generate(semantic, music, speaker, { greedy: true, template });
    await generator.release();
    expect(patterned.shape).toEqual([1, q, ctx]);
    expect(codes).toBeNull();
    const rows = Array.from({ length: q }, (_, k) => Array.from(patterned.data.subarray(k * ctx, (k + 1) * ctx)));
    const logits = fullForward(rows, ctx - 1);
    const vocab = dims.vocab;
    for (let k = 0; k < q; k++) {
      expect(rows[k]?.[0]).toBe(config.codes + 1);
      for (let t = 1; t < ctx - 1; t++) {
        const at = (k * (ctx - 1) + (t - 1)) * vocab;
        expect(rows[k]?.[t]).toBe(argmax(logits.subarray(at, at + vocab)));
      }
    }
  });

  it("continues an atoks prompt: delayed prompt steps kept, greedy continuation equals the full-forward argmax", async () => {
    const generator = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const ctx = config.ctx_n;
    const template = Array.from({ length: q }, () => new Array<number>(ctx).fill(0));
    const promptLength = 4;
    const prompt = Array.from({ length: q }, () => randomInts(random, promptLength, config.codes));
    const { patterned } = await generator.generate(semantic, music, speaker, { greedy: true, template, atoksPrompt: prompt });
    await expect(generator.generate(semantic, music, speaker, { template, atoksPrompt: prompt.map((row) => [...row, ...row, ...row]) })).rejects.toThrow(/atoksPrompt/);
    await generator.release();
    const rows = Array.from({ length: q }, (_, k) => Array.from(patterned.data.subarray(k * ctx, (k + 1) * ctx)));
    const start = promptLength + 1;
    for (let k = 0; k < q; k++) {
      // Stream k's prompt sits at steps 1 + k … P + k; the steps before it keep the mask code.
      for (let t = 0; t <= k; t++) expect(rows[k]?.[t]).toBe(config.codes + 1);
      for (let t = 1 + k; t < start; t++) expect(rows[k]?.[t]).toBe(prompt[k]?.[t - 1 - k]);
    }
    const logits = fullForward(rows, ctx - 1);
    const vocab = dims.vocab;
    for (let k = 0; k < q; k++) {
      for (let t = start; t < ctx - 1; t++) {
        const at = (k * (ctx - 1) + (t - 1)) * vocab;
        expect(rows[k]?.[t]).toBe(argmax(logits.subarray(at, at + vocab)));
      }
    }
  });

  it("step-by-step KV-cache logits on forced random tokens match the full forward at every position", async () => {
    const generator = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const length = config.ctx_n;
    const tokens = Array.from({ length: q }, () => randomInts(random, length, config.codes + 2));
    const encoded = await generator.encode([{ stoks: generator.paddedSemantic(semantic), speaker, mtoks: music }]);
    const steps: Float32Array[] = [];
    let past = null;
    for (let t = 0; t < length; t++) {
      const out = await generator.step(encoded, tokens.map((row) => row[t] ?? 0), [t], 1, past);
      steps.push(out.logits.slice());
      past = out.present;
    }
    await generator.release();
    const full = fullForward(tokens, length);
    const vocab = dims.vocab;
    let worst = 0;
    let scale = 0;
    for (let k = 0; k < q; k++) {
      for (let t = 0; t < length; t++) {
        const got = steps[t]?.subarray(k * vocab, (k + 1) * vocab) ?? new Float32Array();
        const want = full.subarray((k * length + t) * vocab, (k * length + t + 1) * vocab);
        expect(argmax(got)).toBe(argmax(want));
        for (let v = 0; v < vocab; v++) {
          worst = Math.max(worst, Math.abs((got[v] ?? 0) - (want[v] ?? 0)));
          scale = Math.max(scale, Math.abs(want[v] ?? 0));
        }
      }
    }
    expect(worst / scale).toBeLessThan(1e-4);
  });

  it("the decomposed attention form (fusedAttention: false) gives the fused decoder's logits", async () => {
    const fused = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const decomposed = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights, { fusedAttention: false }), config, tunables, { threads: 1 });
    const length = config.ctx_n;
    const tokens = Array.from({ length: q }, () => randomInts(random, length, config.codes + 2));
    const run = async (generator: SM2AGenerator): Promise<Float32Array[]> => {
      const encoded = await generator.encode([{ stoks: generator.paddedSemantic(semantic), speaker, mtoks: music }]);
      // A 5-step prefill, then single steps over the cache.
      const prefill = await generator.step(encoded, tokens.flatMap((row) => row.slice(0, 5)), [0, 1, 2, 3, 4], 1, null);
      const next = await generator.step(encoded, tokens.map((row) => row[5] ?? 0), [5], 1, prefill.present);
      return [prefill.logits, next.logits];
    };
    const a = await run(fused);
    const b = await run(decomposed);
    await fused.release();
    await decomposed.release();
    for (const [k, logits] of a.entries()) expect(relativeError(logits, b[k] ?? new Float32Array())).toBeLessThan(1e-5);
  });

  it("int8 decoder weights stay within 5e-2 relative of the float32 decoder", async () => {
    const float = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    const int8 = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights, { decoderWeights: "int8" }), config, tunables, { threads: 1 });
    const length = config.ctx_n;
    const tokens = Array.from({ length: q }, () => randomInts(random, length, config.codes + 2));
    const run = async (generator: SM2AGenerator): Promise<Float32Array> => {
      const encoded = await generator.encode([{ stoks: generator.paddedSemantic(semantic), speaker, mtoks: music }]);
      return (await generator.step(encoded, tokens.flat(), tokens[0]?.map((_, i) => i) ?? [], 1, null)).logits;
    };
    const a = await run(float);
    const b = await run(int8);
    await float.release();
    await int8.release();
    let worst = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      worst = Math.max(worst, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
      scale = Math.max(scale, Math.abs(a[i] ?? 0));
    }
    console.log(`sm2a int8 decoder: relative error ${(worst / scale).toExponential(2)}`);
    expect(worst / scale).toBeGreaterThan(0);
    expect(worst / scale).toBeLessThan(5e-2);
  });

  it("seeded sampling, template forcing after every step, guidance", async () => {
    const generator = await SM2AGenerator.create(exportSM2AOnnx(config, tunables, weights), config, tunables, { threads: 1 });
    try {
      const ctx = config.ctx_n;
      const template = Array.from({ length: q }, (_, k) => Array.from({ length: ctx }, (_, t) => ((t + k) % 3 === 0 ? config.codes : 1)));
      const a = await generator.generate(semantic, music, speaker, { seed: 5, temperature: 1, batchSize: 2, template });
      const b = await generator.generate(semantic, music, speaker, { seed: 5, temperature: 1, batchSize: 2, template });
      const c = await generator.generate(semantic, music, speaker, { seed: 6, temperature: 1, batchSize: 2, template });
      expect(a.patterned.data).toEqual(b.patterned.data);
      expect(a.patterned.data).not.toEqual(c.patterned.data);
      for (let row = 0; row < 2; row++) {
        for (let k = 0; k < q; k++) {
          for (let t = 0; t < ctx; t++) {
            if ((t + k) % 3 === 0) expect(a.patterned.data[(row * q + k) * ctx + t]).toBe(config.codes);
          }
        }
      }
      // λ = 0 runs the doubled (unconditional + conditional) batch but must give the plain result.
      const plain = await generator.generate(semantic, music, speaker, { greedy: true, template, steps: 9 });
      const neutral = await generator.generate(semantic, music, speaker, { greedy: true, template, cfgLambda: 0, steps: 9 });
      expect(neutral.patterned.data).toEqual(plain.patterned.data);
      const guided = await generator.generate(semantic, music, speaker, { seed: 1, temperature: 1, template, cfgLambda: 3, steps: 9 });
      expect(guided.patterned.shape).toEqual([1, q, 9]);
      // Guidance contrasts the conditional row with one whose music tokens are all 0 (upstream
      // zeros_like): their logits must differ for λ to mean anything.
      const padded = generator.paddedSemantic(semantic);
      const both = await generator.encode([
        { stoks: padded, speaker, mtoks: music.map((row) => row.map(() => 0)) },
        { stoks: padded, speaker, mtoks: music },
      ]);
      const first = new Array<number>(2 * q).fill(config.codes + 1);
      const { logits } = await generator.step(both, first, [0], 2, null);
      const half = logits.length / 2;
      expect(Array.from(logits.subarray(0, half))).not.toEqual(Array.from(logits.subarray(half)));
    } finally {
      await generator.release();
    }
  });
});
