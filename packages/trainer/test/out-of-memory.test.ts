/**
 * A real exhausted wasm heap, in its own test file (vitest runs each file in its own process):
 * the backend's memory is unusable after the trap, so nothing else may share this process.
 */
import { WasmHeapExhaustedError } from "@autosing/nn";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { isWasmTrap } from "../src/backend-failure.js";
import { BackendOutOfMemoryError, TrainerError, selectBackend, train } from "../src/index.js";
import { TinyLm, tinyDatasets } from "./fixtures/tiny-lm.js";

/**
 * A TinyLm whose training loss asks the backend for a 4.5 GB tensor (over the 4 GiB wasm cap):
 * an outer product (the native matmul path, which checks its allocation) or a broadcast sum
 * (wasm's own kernel, which traps).
 */
class OversizedLm extends TinyLm {
  constructor(private readonly by: "matMul" | "add") {
    super();
  }

  override loss(...args: Parameters<TinyLm["loss"]>) {
    const { loss, metrics } = super.loss(...args);
    const huge = this.by === "matMul" ? tf.matMul(tf.ones([66_000, 1]), tf.ones([1, 17_000])) : tf.add(tf.ones([66_000, 1]), tf.ones([1, 17_000]));
    return { loss: tf.add(loss, tf.mul(tf.sum(huge), 0)) as tf.Scalar, metrics };
  }
}

const hyperparameters = { lr0: 1e-2, weightDecay: 0, warmupSteps: 0, lrSchedule: "const", epochs: 1, accumulateGradBatches: 1, seed: 0 } as const;

describe("a training step that exhausts the wasm heap", () => {
  // First: the native matmul refuses the allocation before anything is written, so the heap stays usable for the trap below.
  it("fails with BackendOutOfMemoryError naming the tensor when a matrix product's output does not fit", async () => {
    await selectBackend({ only: ["wasm"] });
    const failure = await train({ model: new OversizedLm("matMul"), ...tinyDatasets(), hyperparameters }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendOutOfMemoryError);
    const error = failure as BackendOutOfMemoryError;
    expect(WasmHeapExhaustedError.isInstance(error.cause)).toBe(true);
    expect(error.message).toMatch(/^the wasm backend ran out of memory in a training step \(the wasm heap \(4 GiB at most\) could not hold a float32 \[66000, 17000\] tensor \(4280 MiB\)\): lower --batch-size/);
  });

  it("fails with BackendOutOfMemoryError naming the cause and the remedies, not a bare WebAssembly trap", async () => {
    await selectBackend({ only: ["wasm"] });
    const failure = await train({ model: new OversizedLm("add"), ...tinyDatasets(), hyperparameters }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BackendOutOfMemoryError);
    expect(TrainerError.isInstance(failure)).toBe(true);
    const error = failure as BackendOutOfMemoryError;
    expect(error.phase).toBe("training");
    expect(isWasmTrap(error.cause)).toBe(true);
    expect(error.message).toMatch(/^the wasm backend trapped in a training step \(.+\), which is how it reports an exhausted heap \(4 GiB at most\): lower --batch-size/);
  });
});
