import * as tf from "@tensorflow/tfjs-core";
import { afterAll, describe, expect, it } from "vitest";

import { NnError } from "../errors.js";
import { describeTfBackend, selectTfBackend, useTfBackend } from "./backend.js";

afterAll(async () => {
  await useTfBackend("cpu");
});

// The trainer's tests (packages/trainer/test/backend.test.ts) cover the full fallback order, the
// wasm bridges and training on each backend; these pin what the selector reports on its own.
describe("selectTfBackend", () => {
  it("falls back in the order given and reports why each earlier candidate failed", async () => {
    const { selected, failed } = await selectTfBackend(["tensorflow", "cpu"]);
    // The optional native package is not installed in CI (it downloads libtensorflow at install time).
    expect(failed).toEqual([{ backend: "tensorflow", error: "not installed" }]);
    expect(selected).toEqual({ backend: "cpu", tfjsName: "cpu", skipped: failed, bridgedKernels: [] });
    expect(tf.getBackend()).toBe("cpu");
    expect(describeTfBackend(selected!)).toBe("tfjs backend: cpu (skipped tensorflow: not installed)");
  });

  it("returns no backend, never throws, when none of the candidates loads", async () => {
    const { selected, failed } = await selectTfBackend(["tensorflow-gpu"]);
    expect(selected).toBeUndefined();
    expect(failed).toEqual([{ backend: "tensorflow-gpu", error: "not installed" }]);
  });
});

describe("useTfBackend", () => {
  it("switches to the named backend, prepared as the selector prepares it, or throws an NnError", async () => {
    expect(await useTfBackend("wasm")).toBe("wasm");
    expect(tf.getKernel("UnsortedSegmentSum", "wasm")).toBeDefined();
    expect(await useTfBackend("cpu")).toBe("cpu");
    const failure = await useTfBackend("tensorflow").catch((error: unknown) => error);
    expect(NnError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toBe("tfjs backend tensorflow could not be initialised: not installed");
  });
});
