// Decoding speed of t2s on onnxruntime-node (CPU): ms per step and tokens/s at sizes tiny and
// small, batch 1 and 8, with the memory-bandwidth floor as anchor. Variants (decoder weights ×
// attention form) are timed in turns within one run, so they can be compared on a shared
// machine. Weights are random (speed does not depend on values). Run:
// pnpm --filter @autosing/t2s-model bench [-- --sizes tiny,small --steps 8 --threads 1 --weights float32,int8 --attention fused,decomposed]
import { addDecodeCacheFeeds, benchWeights, decodeBenchRow, int64Tensor, loadAverage, openDecodeVariants, parseDecodeBenchFlags, startDecodeBench, timeDecodeStep } from "@autosing/nn";
import type { Tensor } from "@autosing/nn";

import { DEFAULT_T2S_TUNABLES, exportT2SOnnx, t2sConfigForSize, t2sDimensions, T2S_ONNX_NAMES as N, t2sParameterSpecs } from "../src/index.js";
import type { T2SSize } from "../src/index.js";

const flags = parseDecodeBenchFlags(process.argv.slice(2));
const past = Number(flags.option("past", "375"));
const tunables = { ...DEFAULT_T2S_TUNABLES };

const bandwidth = startDecodeBench(flags, "size   batch  variant                ms/step (median / min)  tokens/s (median)  floor ms/step (weights + KV + cross K/V ÷ bandwidth)");

for (const size of flags.sizes as T2SSize[]) {
  const config = t2sConfigForSize(size);
  const dims = t2sDimensions(config, tunables);
  const weights = benchWeights(t2sParameterSpecs(config, tunables));
  const { encoder, variants, release } = await openDecodeVariants(flags, size, dims, (variant) => exportT2SOnnx(config, tunables, weights, variant));
  weights.clear();
  for (const batch of flags.batches) {
    const encoded = await encoder.run({
      [N.encoder.ttoks]: int64Tensor(new Array(batch * config.ttoks_len).fill(65), [batch, config.ttoks_len]),
      [N.encoder.language]: int64Tensor(new Array(batch).fill(0), [batch, 1]),
      [N.encoder.cpsBin]: int64Tensor(new Array(batch).fill(1), [batch]),
      [N.encoder.mtoks]: int64Tensor(new Array(batch * config.quantizers * config.mtoks_len).fill(7), [batch, config.quantizers, config.mtoks_len]),
    });
    const feeds: Record<string, Tensor> = {
      [N.decoder.inputIds]: int64Tensor(new Array(batch).fill(3), [batch, 1]),
      [N.decoder.positions]: int64Tensor([past], [1]),
    };
    const cps = encoded[N.encoder.cpsEmbedding];
    if (cps) feeds[N.decoder.cpsEmbedding] = cps;
    addDecodeCacheFeeds(feeds, encoded, {
      decoderDepth: dims.decoderDepth,
      batch,
      nHead: config.n_head,
      headWidth: config.head_width,
      past,
      crossNames: (i) => [N.crossTextKey(i), N.crossTextValue(i), N.crossMusicKey(i), N.crossMusicValue(i)],
      pastKey: N.pastKey,
      pastValue: N.pastValue,
    });
    const timings = await timeDecodeStep(variants, feeds, flags.steps, { bandwidth, decoderDepth: dims.decoderDepth, width: dims.width, batch, past, crossLength: config.ttoks_len + config.mtoks_len });
    for (const t of timings) console.log(decodeBenchRow(size, batch, t, 1));
    console.log(`(load average ${loadAverage()})`);
  }
  await release();
}
console.log(`(past length ${past} of 750; floor = bytes read once per step ÷ measured copy traffic rate; target ≤ 100 ms/step for small at batch 1)`);
