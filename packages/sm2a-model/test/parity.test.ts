import { float32Tensor, int64Tensor, openOnnxSession, SeededRandom, tf, useTfBackend } from "@autosing/nn";
import { beforeAll, describe, expect, it } from "vitest";

import { exportSM2AOnnx, sm2aDimensions, SM2A_ONNX_NAMES as N, sm2aParameterSpecs, SM2ATfModel } from "../src/index.js";
import type { SM2AConfig } from "../src/index.js";
import { randomFloats, randomInts, randomWeights, relativeError, tinyConfig, tunables } from "./helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

async function parity(config: SM2AConfig, batch: number, seed: number): Promise<number> {
  const weights = randomWeights(sm2aParameterSpecs(config, tunables), seed);
  const dims = sm2aDimensions(config, tunables);
  const random = new SeededRandom(seed + 7);
  const q = config.quantizers;
  const stoks = randomInts(random, batch * config.stoks_len, config.stoks_codes);
  const speakers = randomFloats(random, batch * dims.spkWidth);
  const mtoks = randomInts(random, batch * q * config.mtoks_len, config.codes + 2);
  const seq = config.ctx_n;
  const atoks = randomInts(random, batch * q * seq, config.codes + 2);

  const model = new SM2ATfModel(config, tunables, weights);
  const expected = tf.tidy(() =>
    model
      .forward({
        stoks: tf.tensor2d(stoks, [batch, config.stoks_len], "int32"),
        speakers: tf.tensor2d(speakers, [batch, dims.spkWidth]),
        mtoks: tf.tensor3d(mtoks, [batch, q, config.mtoks_len], "int32"),
        atoks: tf.tensor3d(atoks, [batch, q, seq], "int32"),
      })
      .dataSync(),
  );
  model.dispose();

  const onnx = exportSM2AOnnx(config, tunables, weights);
  const encoder = await openOnnxSession(onnx.encoder, { threads: 1 });
  const decoder = await openOnnxSession(onnx.decoder, { threads: 1 });
  try {
    const enc = await encoder.run({
      [N.encoder.stoks]: int64Tensor(stoks, [batch, config.stoks_len]),
      [N.encoder.speakers]: float32Tensor(Float32Array.from(speakers), [batch, dims.spkWidth]),
      [N.encoder.mtoks]: int64Tensor(mtoks, [batch, q, config.mtoks_len]),
    });
    const feeds: Record<string, unknown> = {
      [N.decoder.inputIds]: int64Tensor(atoks, [batch, q, seq]),
      [N.decoder.positions]: int64Tensor(Array.from({ length: seq }, (_, i) => i), [seq]),
    };
    for (let i = 0; i < dims.decoderDepth; i++) {
      for (const name of [N.crossSemanticKey(i), N.crossSemanticValue(i), N.crossMusicKey(i), N.crossMusicValue(i)]) feeds[name] = enc[name];
      feeds[N.pastKey(i)] = float32Tensor(new Float32Array(0), [batch, config.n_head, 0, config.head_width]);
      feeds[N.pastValue(i)] = float32Tensor(new Float32Array(0), [batch, config.n_head, 0, config.head_width]);
    }
    const out = await decoder.run(feeds as Parameters<typeof decoder.run>[0]);
    const logits = out[N.decoder.logits];
    expect(logits?.dims).toEqual([batch, q, seq, config.codes + 2]);
    const error = relativeError(logits?.data as Float32Array, expected);
    console.log(`sm2a parity ${JSON.stringify({ depth: config.depth, n_head: config.n_head, batch })}: relative error ${error.toExponential(2)}`);
    return error;
  } finally {
    await encoder.release();
    await decoder.release();
  }
}

describe("sm2a: tfjs forward and ONNX graphs agree", () => {
  it("tiny config (projected semantic and artist inputs), batch 2", async () => {
    expect(await parity(tinyConfig(), 2, 1)).toBeLessThan(1e-4);
  });

  it("deeper, 3 heads, projected acoustic embeddings, key subsampling 2, batch 1", async () => {
    expect(await parity(tinyConfig({ depth: 4, n_head: 3, head_width: 16, atoks_width: 8, enc_subsample: 2, quantizers: 2 }), 1, 2)).toBeLessThan(1e-4);
  });
});
