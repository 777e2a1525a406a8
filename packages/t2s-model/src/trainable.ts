import { tf } from "@autosing/nn";
import type { NamedVariable } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { T2SInputError } from "./errors.js";
import { T2STfModel } from "./tf-model.js";

/** A collated batch in host memory, row-major (the trainer's t2s batch layout). */
export interface T2SHostBatch {
  size: number;
  ttoksLength: number;
  stoksLength: number;
  mtoksLength: number;
  inTtoks: Int32Array;
  outTtoks: Int32Array;
  /** [size] one language per row (what the trainer's dataset yields), or [size, ttoksLength] one per token. */
  languages: Int32Array;
  cps: Float32Array;
  inStoks: Int32Array;
  outStoks: Int32Array;
  /** [size, quantizers, mtoksLength]. */
  mtoks: Int32Array;
}

/**
 * The t2s model in the shape @autosing/trainer's `TrainableModel` expects (structurally, so this
 * package does not depend on the trainer): named parameters with μP metadata, a loss over
 * host-memory batches, the frozen tensors and buffers to save, and the JSON config.
 */
export class T2STrainableModel {
  readonly model: T2STfModel;

  constructor(config: T2SConfig, tunables: T2STunables, weights: ConstructorParameters<typeof T2STfModel>[2], options: ConstructorParameters<typeof T2STfModel>[3] = {}) {
    this.model = new T2STfModel(config, tunables, weights, options);
  }

  get parameters(): readonly NamedVariable[] {
    return this.model.variables;
  }

  loss(batch: T2SHostBatch, options: { training: boolean }): { loss: tf.Scalar } {
    const b = batch.size;
    const q = this.model.config.quantizers;
    const check = (name: string, actual: number, expected: number): void => {
      if (actual !== expected) throw new T2SInputError(name, `has ${actual} values, expected ${expected}`);
    };
    check("inTtoks", batch.inTtoks.length, b * batch.ttoksLength);
    check("outTtoks", batch.outTtoks.length, b * batch.ttoksLength);
    check("inStoks", batch.inStoks.length, b * batch.stoksLength);
    check("outStoks", batch.outStoks.length, b * batch.stoksLength);
    check("mtoks", batch.mtoks.length, b * q * batch.mtoksLength);
    const perToken = batch.languages.length === b * batch.ttoksLength && batch.languages.length !== b;
    if (!perToken && batch.languages.length !== b) {
      throw new T2SInputError("languages", `has ${batch.languages.length} values, expected ${b} (one per row) or ${b * batch.ttoksLength} (one per token)`);
    }
    const loss = this.model.loss(
      {
        inTtoks: tf.tensor2d(batch.inTtoks, [b, batch.ttoksLength], "int32"),
        outTtoks: tf.tensor2d(batch.outTtoks, [b, batch.ttoksLength], "int32"),
        languages: perToken ? tf.tensor2d(batch.languages, [b, batch.ttoksLength], "int32") : tf.tensor1d(batch.languages, "int32"),
        cps: tf.tensor1d(batch.cps, "float32"),
        inStoks: tf.tensor2d(batch.inStoks, [b, batch.stoksLength], "int32"),
        outStoks: tf.tensor2d(batch.outStoks, [b, batch.stoksLength], "int32"),
        mtoks: tf.tensor3d(batch.mtoks, [b, q, batch.mtoksLength], "int32"),
      },
      { training: options.training },
    );
    return { loss };
  }

  /** Buffers and frozen parameters (lrScale 0), by upstream key. */
  frozenTensors(): ReadonlyMap<string, tf.Tensor> {
    return this.model.parameters.frozenTensors();
  }

  /** Upstream `config` and `tunables`, as saved next to the weights. */
  config(): { model: "t2s"; config: T2SConfig; tunables: T2STunables } {
    return { model: "t2s", config: { ...this.model.config }, tunables: { ...this.model.tunables } };
  }

  dispose(): void {
    this.model.dispose();
  }
}
