import { Xoshiro128 } from "@autosing/base";
import { float32Tensor, int64Tensor, openOnnxSession, tf } from "@autosing/nn";
import { randomInts, relativeError } from "@autosing/nn/testing";
import { expect } from "vitest";

import type { SM2AConfig, SM2ATunables } from "../src/index.js";
import { DEFAULT_SM2A_TUNABLES, exportSM2AOnnx, sm2aDimensions, SM2A_ONNX_NAMES as N, SM2ATfModel } from "../src/index.js";
import { randomSM2AWeights, type RandomWeightOptions } from "../src/testing.js";

export { randomInts, relativeError };

/** A tiny config: projected semantic and artist inputs, 3 streams, 5 codes. */
export function tinyConfig(overrides: Partial<SM2AConfig> = {}): SM2AConfig {
  return {
    depth: 2,
    ctx_n: 12,
    stoks_len: 7,
    stoks_codes: 9,
    stoks_width: 8,
    spk_width: 6,
    atoks_width: null,
    n_head: 2,
    head_width: 8,
    ffn_mult: 2,
    quantizers: 3,
    codes: 5,
    mtoks_len: 6,
    pattern: "bricks_unrolled",
    enc_subsample: 1,
    ...overrides,
  };
}

export const tunables = { ...DEFAULT_SM2A_TUNABLES };

/** The sm2a tests' random weights keep a tenth of the μP init under the noise (pass to randomSM2AWeights). */
export const testWeights: RandomWeightOptions = { initScale: 0.1 };

export function randomFloats(random: Xoshiro128, count: number): number[] {
  return Array.from({ length: count }, () => random.normal());
}

/**
 * Feeds the tfjs forward and the exported ONNX encoder + decoder the same random weights and
 * inputs; returns the relative error of the decoder logits.
 */
export async function parity(config: SM2AConfig, batch: number, seed: number, modelTunables: SM2ATunables = tunables): Promise<number> {
  const weights = randomSM2AWeights(config, modelTunables, seed, testWeights);
  const dims = sm2aDimensions(config, modelTunables);
  const random = Xoshiro128.fromWord(seed + 7);
  const q = config.quantizers;
  const stoks = randomInts(random, batch * config.stoks_len, config.stoks_codes);
  const speakers = randomFloats(random, batch * dims.spkWidth);
  const mtoks = randomInts(random, batch * q * config.mtoks_len, config.codes + 2);
  const seq = config.ctx_n;
  const atoks = randomInts(random, batch * q * seq, config.codes + 2);

  const model = new SM2ATfModel(config, modelTunables, weights);
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

  const onnx = exportSM2AOnnx(config, modelTunables, weights);
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
    console.log(`sm2a parity ${JSON.stringify({ depth: config.depth, n_head: config.n_head, batch, causal_music_encoder: modelTunables.causal_music_encoder })}: relative error ${error.toExponential(2)}`);
    return error;
  } finally {
    await encoder.release();
    await decoder.release();
  }
}
