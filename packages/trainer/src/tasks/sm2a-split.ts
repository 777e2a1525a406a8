import type { BatchShard } from "../replicas/spec.js";
import { splitRowMajorBatch } from "../replicas/spec.js";
import { TrainerConfigError } from "../errors.js";
import type { SM2AHostBatch } from "./sm2a-data.js";

/**
 * Splits an sm2a batch into contiguous row shards for data-parallel replicas so that the shards'
 * losses, weighed by rows as the replica pool does, add up to the whole batch's loss exactly.
 *
 * sm2a's loss (upstream SM2ATransformer.forward) averages each quantizer's cross entropy over
 * the targets that are not the pad code `padCode` (the model's `codes`). Multiscale windows hold
 * different numbers of pad targets per row (a `bricks` window is padded at its edges, an unrolled
 * window is not), so a shard's own per-quantizer mean is not a share of the batch's. Each shard
 * therefore carries `lossDenominators`: per quantizer, the whole batch's valid targets (at least
 * 1, as the loss's own max(count, 1)) × the shard's rows / the batch's rows. Shard r's loss is then
 * (B / B_r) × its share of the batch loss, and Σ_r (B_r / B) × that is the batch loss.
 */
export function splitSM2ABatch(batch: SM2AHostBatch, parts: number, padCode: number): BatchShard<SM2AHostBatch>[] {
  if (batch.lossDenominators) throw new TrainerConfigError("sm2a batch", "lossDenominators", "is already a shard (it carries loss denominators); split the whole batch");
  const { size, atoksLength: t } = batch;
  const quantizers = batch.atoks.length / (size * t);
  // Targets are atoks[:, q, 1:] (the loss predicts each next token).
  const valid = new Float64Array(quantizers);
  for (let row = 0; row < size; row++) {
    for (let q = 0; q < quantizers; q++) {
      const start = (row * quantizers + q) * t;
      for (let i = start + 1; i < start + t; i++) if (batch.atoks[i] !== padCode) valid[q] = (valid[q] as number) + 1;
    }
  }
  return splitRowMajorBatch(batch, parts, "size").map((shard) => ({
    ...shard,
    batch: { ...shard.batch, lossDenominators: Float64Array.from(valid, (count) => (Math.max(count, 1) * shard.samples) / size) },
  }));
}
