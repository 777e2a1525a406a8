// The inputs of one sm2a decoding step at `past` cached positions, shared by the decode bench and
// the step profile: constant tokens and speaker vector through the encoder, a constant cache.
import { addDecodeCacheFeeds, float32Tensor, int64Tensor } from "@autosing/nn";
import type { InferenceSession, Tensor } from "@autosing/nn";

import { SM2A_ONNX_NAMES as N } from "../src/index.js";
import type { SM2AConfig, sm2aDimensions } from "../src/index.js";

export async function sm2aStepFeeds(encoder: InferenceSession, config: SM2AConfig, dims: ReturnType<typeof sm2aDimensions>, batch: number, past: number): Promise<Record<string, Tensor>> {
  const q = config.quantizers;
  const encoded = await encoder.run({
    [N.encoder.stoks]: int64Tensor(new Array(batch * config.stoks_len).fill(5), [batch, config.stoks_len]),
    [N.encoder.speakers]: float32Tensor(new Float32Array(batch * dims.spkWidth).fill(0.1), [batch, dims.spkWidth]),
    [N.encoder.mtoks]: int64Tensor(new Array(batch * q * config.mtoks_len).fill(7), [batch, q, config.mtoks_len]),
  });
  const feeds: Record<string, Tensor> = {
    [N.decoder.inputIds]: int64Tensor(new Array(batch * q).fill(3), [batch, q, 1]),
    [N.decoder.positions]: int64Tensor([past], [1]),
  };
  addDecodeCacheFeeds(feeds, encoded, {
    decoderDepth: dims.decoderDepth,
    batch,
    nHead: config.n_head,
    headWidth: config.head_width,
    past,
    crossNames: (i) => [N.crossSemanticKey(i), N.crossSemanticValue(i), N.crossMusicKey(i), N.crossMusicValue(i)],
    pastKey: N.pastKey,
    pastValue: N.pastValue,
  });
  return feeds;
}
