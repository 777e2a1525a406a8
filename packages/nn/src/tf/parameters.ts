import * as tf from "@tensorflow/tfjs-core";

import { StateDictMismatchError } from "../errors.js";
import type { ParameterSpec } from "../parameters.js";
import type { StateDict } from "../safetensors.js";
import { registerFastKernels } from "./kernels.js";

/** A trainable tfjs variable under its upstream key, with the μP optimiser metadata. */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
  lrScale: number;
  noWeightDecay: boolean;
}

/**
 * A model's parameters as tfjs tensors: trainable ones as named `tf.Variable`s (frozen ones,
 * `lrScale` 0, are created non-trainable), buffers as constants. `lookup` is the WeightLookup
 * the blocks take.
 */
export class TfParameters {
  private readonly tensors = new Map<string, tf.Tensor>();
  readonly variables: NamedVariable[] = [];

  constructor(
    readonly specs: readonly ParameterSpec[],
    values: StateDict,
  ) {
    registerFastKernels();
    for (const spec of specs) {
      const value = values.get(spec.name);
      if (!value) throw new StateDictMismatchError([spec.name], [], []);
      if (spec.buffer) {
        this.tensors.set(spec.name, tf.tensor(value.data, spec.shape));
        continue;
      }
      const trainable = spec.lrScale !== 0;
      const variable = tf.variable(tf.tensor(value.data, spec.shape), trainable, spec.name.replace(/[^A-Za-z0-9_.-]/g, "_") + `_${tfVariableCounter++}`);
      this.tensors.set(spec.name, variable);
      if (trainable) this.variables.push({ name: spec.name, variable, lrScale: spec.lrScale, noWeightDecay: spec.noWeightDecay });
    }
  }

  readonly lookup = (name: string): tf.Tensor => {
    const tensor = this.tensors.get(name);
    if (!tensor) throw new StateDictMismatchError([name], [], []);
    return tensor;
  };

  /**
   * Buffers and frozen parameters (not trained), by upstream key: what a checkpoint must carry
   * beside the trained variables (the trainer's `TrainableModel.frozenTensors`).
   */
  frozenTensors(): Map<string, tf.Tensor> {
    const trainable = new Set(this.variables.map((v) => v.name));
    const out = new Map<string, tf.Tensor>();
    for (const spec of this.specs) if (!trainable.has(spec.name)) out.set(spec.name, this.lookup(spec.name));
    return out;
  }

  /** Current values as a state dict (canonical names; use expandAliases for the upstream file). */
  toStateDict(): StateDict {
    const out: StateDict = new Map();
    for (const spec of this.specs) {
      const tensor = this.lookup(spec.name);
      out.set(spec.name, { shape: [...spec.shape], data: Float32Array.from(tensor.dataSync()) });
    }
    return out;
  }

  dispose(): void {
    for (const tensor of this.tensors.values()) tensor.dispose();
    this.tensors.clear();
    this.variables.length = 0;
  }
}

// tfjs variable names must be globally unique; two models may hold the same upstream key.
let tfVariableCounter = 0;
