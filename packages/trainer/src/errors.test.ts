import { AutosingError } from "@autosing/base";
import { describe, expect, it } from "vitest";

import { BackendOutOfMemoryError, CheckpointError, DatasetError, ModelContractError, TrainerConfigError, TrainerError } from "./errors.js";

describe("trainer errors", () => {
  it("narrows per class and keeps names, messages and fields", () => {
    const trap = new (globalThis as unknown as { WebAssembly: { RuntimeError: new (message: string) => Error } }).WebAssembly.RuntimeError("memory access out of bounds");
    const oom = new BackendOutOfMemoryError("wasm", "training", trap);
    const dataset = new DatasetError("data", "is not a directory");
    expect(BackendOutOfMemoryError.isInstance(oom)).toBe(true);
    expect(BackendOutOfMemoryError.isInstance(dataset)).toBe(false);
    expect(DatasetError.isInstance(oom)).toBe(false);
    expect(TrainerConfigError.isInstance(new CheckpointError("ckpt", "missing"))).toBe(false);
    expect(TrainerError.isInstance(oom) && TrainerError.isInstance(dataset)).toBe(true);
    expect(TrainerError.isInstance(new AutosingError("another package"))).toBe(false);
    expect([oom.name, oom.backend, oom.phase, (oom.cause as Error).message]).toEqual(["BackendOutOfMemoryError", "wasm", "training", "memory access out of bounds"]);
    expect(oom.message).toMatch(/^the wasm backend trapped in a training step \(memory access out of bounds\)/);
    expect([dataset.name, dataset.message]).toEqual(["DatasetError", "dataset data: is not a directory"]);
    expect(new ModelContractError("no parameters").message).toBe("model contract: no parameters");
  });
});
