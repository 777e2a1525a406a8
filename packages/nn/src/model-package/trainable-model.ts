import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";

import type { NamedVariable, TfParameters } from "../tf/parameters.js";
import type { ModelDefinition } from "./model-definition.js";

/** What the trainable wrapper needs of a model package's tfjs model. */
export interface TfModel {
  readonly config: object;
  readonly tunables: object;
  readonly parameters: TfParameters;
  dispose(): void;
}

/**
 * A model package's tfjs model in the shape @autosing/trainer's `TrainableModel` expects
 * (structurally, so model packages need not depend on the trainer): named parameters with μP
 * metadata, the frozen tensors and buffers to save, the JSON config and `dispose`. A subclass
 * adds only `loss` over its host-memory batch layout.
 */
export abstract class TrainableTfModel<Name extends string, Model extends TfModel, Batch> {
  protected constructor(
    private readonly definition: Pick<ModelDefinition<Name, unknown, unknown>, "name" | "errors">,
    readonly model: Model,
  ) {}

  /** Trained variables with their μP metadata; frozen parameters (lrScale 0) are not among them. */
  get parameters(): readonly NamedVariable[] {
    return this.model.parameters.variables;
  }

  /** The loss of a host-memory batch; the trainer calls it inside `tf.variableGrads` and `tf.tidy`. */
  abstract loss(batch: Batch, options: { training: boolean }): { loss: Scalar; metrics?: Record<string, Scalar> };

  /** Buffers and frozen parameters (lrScale 0), by upstream key. */
  frozenTensors(): ReadonlyMap<string, Tensor> {
    return this.model.parameters.frozenTensors();
  }

  /** Upstream `config` and `tunables` under the model's name, as saved next to the weights. */
  config(): { model: Name; config: Model["config"]; tunables: Model["tunables"] } {
    return { model: this.definition.name, config: { ...this.model.config }, tunables: { ...this.model.tunables } };
  }

  dispose(): void {
    this.model.dispose();
  }

  /**
   * Overwrites a frozen parameter (lrScale 0) with `values` of `shape`, row-major: upstream's
   * `with torch.no_grad(): param[:] = values` of a `load_frozen_…` method. A parameter that is
   * trained, or values of another shape, fail with the error `refuse` makes of the detail.
   */
  protected assignFrozen(name: string, values: Float32Array, shape: readonly number[], refuse: (detail: string) => Error): void {
    if (this.parameters.some((parameter) => parameter.name === name)) throw refuse(`${name} is trained; build the model with it frozen to load fixed values`);
    const target = this.model.parameters.lookup(name);
    const expected = shape.reduce((a, b) => a * b, 1);
    if (target.shape.join() !== shape.join() || values.length !== expected) {
      throw refuse(`${name} has shape [${target.shape.join(", ")}]; the values to load have ${values.length} (expected [${shape.join(", ")}])`);
    }
    const replacement = tf.tensor(values, [...shape]);
    (target as Variable).assign(replacement);
    replacement.dispose();
  }

  /** Refuses a host array whose length does not match the batch layout (the model's input error). */
  protected requireLength(input: string, actual: number, expected: number): void {
    if (actual !== expected) throw new this.definition.errors.input(input, `has ${actual} values, expected ${expected}`);
  }
}
