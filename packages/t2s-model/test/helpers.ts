import { Xoshiro128 } from "@autosing/base";
import { float32Tensor, int64Tensor, openOnnxSession, tf } from "@autosing/nn";
import { randomInts, relativeError } from "@autosing/nn/testing";
import { expect } from "vitest";

import type { T2SConfig } from "../src/index.js";
import { cpsBin, DEFAULT_T2S_TUNABLES, exportT2SOnnx, t2sDimensions, T2S_ONNX_NAMES as N, T2STfModel } from "../src/index.js";
import { randomT2SWeights } from "../src/testing.js";

export { randomInts, relativeError };

/** A tiny config exercising every branch: projected semantic embeddings, 3 music streams. */
export function tinyConfig(overrides: Partial<T2SConfig> = {}): T2SConfig {
  return {
    depth: 2,
    n_head: 2,
    head_width: 8,
    ffn_mult: 2,
    ttoks_len: 12,
    ttoks_codes: 256,
    ttoks_width: null,
    stoks_len: 10,
    stoks_codes: 17,
    stoks_width: 8,
    mtoks_len: 6,
    quantizers: 3,
    codes: 11,
    ...overrides,
  };
}

export const tunables = { ...DEFAULT_T2S_TUNABLES };

/**
 * Feeds the tfjs forward and the exported ONNX encoder + decoder the same random weights and
 * inputs; returns the relative error of the decoder logits. `perTokenLanguages`: random language
 * ids [batch, text] instead of one per row.
 */
export async function parity(config: T2SConfig, batch: number, seed: number, options: { perTokenLanguages?: boolean } = {}): Promise<number> {
  const weights = randomT2SWeights(config, tunables, seed);
  const model = new T2STfModel(config, tunables, weights);
  const dims = t2sDimensions(config, tunables);
  const random = Xoshiro128.fromWord(seed + 7);
  const ttoks = randomInts(random, batch * config.ttoks_len, config.ttoks_codes);
  const languageLength = options.perTokenLanguages ? config.ttoks_len : 1;
  const languages = randomInts(random, batch * languageLength, 99);
  const cps = Array.from({ length: batch }, () => 5 + 20 * random.nextFloat());
  const mtoks = randomInts(random, batch * config.quantizers * config.mtoks_len, config.codes + 2);
  const seq = config.stoks_len;
  const stoks = randomInts(random, batch * seq, config.stoks_codes + 1);

  const expected = tf.tidy(() =>
    model.forward({
      inTtoks: tf.tensor2d(ttoks, [batch, config.ttoks_len], "int32"),
      languages: options.perTokenLanguages ? tf.tensor2d(languages, [batch, languageLength], "int32") : tf.tensor1d(languages, "int32"),
      cps: tf.tensor1d(cps, "float32"),
      inStoks: tf.tensor2d(stoks, [batch, seq], "int32"),
      mtoks: tf.tensor3d(mtoks, [batch, config.quantizers, config.mtoks_len], "int32"),
    }).dataSync(),
  );
  model.dispose();

  const onnx = exportT2SOnnx(config, tunables, weights);
  const encoder = await openOnnxSession(onnx.encoder, { threads: 1 });
  const decoder = await openOnnxSession(onnx.decoder, { threads: 1 });
  try {
    const enc = await encoder.run({
      [N.encoder.ttoks]: int64Tensor(ttoks, [batch, config.ttoks_len]),
      [N.encoder.language]: int64Tensor(languages, [batch, languageLength]),
      [N.encoder.cpsBin]: int64Tensor(cps.map((c) => cpsBin(c, tunables)), [batch]),
      [N.encoder.mtoks]: int64Tensor(mtoks, [batch, config.quantizers, config.mtoks_len]),
    });
    const feeds: Record<string, unknown> = {
      [N.decoder.inputIds]: int64Tensor(stoks, [batch, seq]),
      [N.decoder.positions]: int64Tensor(Array.from({ length: seq }, (_, i) => i), [seq]),
      [N.decoder.cpsEmbedding]: enc[N.encoder.cpsEmbedding],
    };
    for (let i = 0; i < dims.decoderDepth; i++) {
      for (const name of [N.crossTextKey(i), N.crossTextValue(i), N.crossMusicKey(i), N.crossMusicValue(i)]) feeds[name] = enc[name];
      feeds[N.pastKey(i)] = float32Tensor(new Float32Array(0), [batch, config.n_head, 0, config.head_width]);
      feeds[N.pastValue(i)] = float32Tensor(new Float32Array(0), [batch, config.n_head, 0, config.head_width]);
    }
    const out = await decoder.run(feeds as Parameters<typeof decoder.run>[0]);
    const logits = out[N.decoder.logits];
    expect(logits?.dims).toEqual([batch, seq, config.stoks_codes + 1]);
    const error = relativeError(logits?.data as Float32Array, expected);
    console.log(`t2s parity ${JSON.stringify({ depth: config.depth, n_head: config.n_head, batch, perTokenLanguages: options.perTokenLanguages ?? false })}: relative error ${error.toExponential(2)}, max logit ${Math.max(...Array.from(expected, Math.abs)).toFixed(3)}`);
    return error;
  } finally {
    await encoder.release();
    await decoder.release();
  }
}
