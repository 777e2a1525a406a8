import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor } from "@tensorflow/tfjs-core";

import type { LossResult } from "./contract.js";

/** A model's loss in its full form: a bare scalar is `{ loss }` without metrics. */
export function asLossResult(out: LossResult | Scalar): LossResult {
  return out instanceof tf.Tensor ? { loss: out } : out;
}

/** Sync read of a scalar; every training step reads its loss anyway to guard against NaN. */
export function scalarValue(tensor: Tensor): number {
  return tensor.dataSync()[0] as number;
}
