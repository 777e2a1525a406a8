// Decoding speed of sm2a on onnxruntime-node (CPU): ms per step and tokens/s at sizes tiny and
// small, batch 1 and 8, the estimated time of a full 15 s generation (1280 `bricks_unrolled`
// steps) and the memory-bandwidth floor. Variants (decoder weights × attention form) are timed
// in turns within one run, so they can be compared on a shared machine. Random weights. Run:
// pnpm --filter @autosing/sm2a-model bench [-- --sizes tiny,small --steps 8 --threads 1 --weights float32,int8 --attention fused,decomposed]
import { benchWeights, decodeBenchRow, loadAverage, openDecodeVariants, parseDecodeBenchFlags, startDecodeBench, timeDecodeStep } from "@autosing/nn";

import { DEFAULT_SM2A_TUNABLES, exportSM2AOnnx, sm2aConfigForSize, sm2aDimensions, sm2aParameterSpecs } from "../src/index.js";
import type { SM2ASize } from "../src/index.js";
import { sm2aStepFeeds } from "./step-feeds.js";

const flags = parseDecodeBenchFlags(process.argv.slice(2));
const fullSteps = 1280; // 15 s: 1248 SNAC frames → bricks 320 steps → unrolled ×4
const past = fullSteps / 2;
const tunables = { ...DEFAULT_SM2A_TUNABLES };

const bandwidth = startDecodeBench(flags, "size   batch  variant                ms/step (median / min)  tokens/s (median)  floor ms/step  est. 15 s generation (median)");

for (const size of flags.sizes as SM2ASize[]) {
  const config = sm2aConfigForSize(size);
  const dims = sm2aDimensions(config, tunables);
  const q = config.quantizers;
  const weights = benchWeights(sm2aParameterSpecs(config, tunables));
  const { encoder, variants, release } = await openDecodeVariants(flags, size, dims, (variant) => exportSM2AOnnx(config, tunables, weights, variant));
  weights.clear();
  for (const batch of flags.batches) {
    const feeds = await sm2aStepFeeds(encoder, config, dims, batch, past);
    const timings = await timeDecodeStep(variants, feeds, flags.steps, { bandwidth, decoderDepth: dims.decoderDepth, width: dims.width, batch, past, crossLength: config.stoks_len + config.mtoks_len });
    for (const t of timings) console.log(`${decodeBenchRow(size, batch, t, q)}  ${((t.median * fullSteps) / 1000).toFixed(0).padStart(6)} s`);
    console.log(`(load average ${loadAverage()})`);
  }
  await release();
}
console.log(`(steps timed at past length ${past}, the middle of a 15 s generation; tokens/s counts all ${8} streams; floor = bytes read per step ÷ measured copy traffic rate;`);
console.log(" anchor: upstream PyTorch on a 2-core machine ≈ 130 ms/step tiny, 1240 ms/step small (26 min per 15 s); target ≤ 100 ms/step small)");
