import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";

import { initializeParameters } from "../parameters.js";
import { useTfBackend } from "../tf/backend.js";
import { TfParameters } from "../tf/parameters.js";
import { TrainableTfModel } from "./trainable-model.js";
import { DEFAULT_TOY_TUNABLES, TOY_MODEL, ToyInputError, type ToyConfig, type ToyTunables, toyParameterSpecs } from "./__fixtures__/toy-model.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

/** The toy's tfjs model: its parameters and nothing else. */
class ToyTfModel {
  readonly parameters: TfParameters;

  constructor(
    readonly config: ToyConfig,
    readonly tunables: ToyTunables,
    seed: number,
  ) {
    const specs = toyParameterSpecs(config, tunables);
    this.parameters = new TfParameters(specs, initializeParameters(specs, seed));
  }

  disposed = false;
  dispose(): void {
    this.parameters.dispose();
    this.disposed = true;
  }
}

class ToyTrainableModel extends TrainableTfModel<"toy", ToyTfModel, { inputs: Float32Array }> {
  constructor(config: ToyConfig, tunables: ToyTunables) {
    super(TOY_MODEL, new ToyTfModel(config, tunables, 3));
  }

  loss(batch: { inputs: Float32Array }): { loss: tf.Scalar } {
    this.requireLength("inputs", batch.inputs.length, this.model.config.inputs);
    const x = tf.tensor2d(batch.inputs, [this.model.config.inputs, 1]);
    return { loss: tf.sum(tf.matMul(this.model.parameters.lookup("proj.weight"), x)) };
  }
}

describe("TrainableTfModel", () => {
  const config: ToyConfig = { width: 2, inputs: 3, hidden: null, pattern: null, bias: true };

  it("lists the trained variables, hands frozen tensors and buffers to save, and names the model in its config", () => {
    const model = new ToyTrainableModel(config, { ...DEFAULT_TOY_TUNABLES, frozen_bias: true });
    expect(model.parameters.map((p) => p.name)).toEqual(["proj.weight"]);
    expect([...model.frozenTensors().keys()]).toEqual(["proj.bias", "positions"]);
    const saved = model.config();
    expect(saved).toEqual({ model: "toy", config, tunables: { ...DEFAULT_TOY_TUNABLES, frozen_bias: true } });
    expect(saved.config).not.toBe(model.model.config);
    const loss = tf.tidy(() => model.loss({ inputs: Float32Array.from([1, 2, 3]) }).loss.dataSync()[0]);
    expect(Number.isFinite(loss)).toBe(true);
    model.dispose();
    expect(model.model.disposed).toBe(true);
  });

  it("requireLength throws the model's input error", () => {
    const model = new ToyTrainableModel(config, DEFAULT_TOY_TUNABLES);
    expect(() => model.loss({ inputs: new Float32Array(2) })).toThrow(ToyInputError);
    expect(() => model.loss({ inputs: new Float32Array(2) })).toThrow("toy input inputs: has 2 values, expected 3");
    model.dispose();
  });
});
