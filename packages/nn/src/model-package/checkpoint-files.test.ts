import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { writeCheckpoint } from "../checkpoint.js";
import { StateDictMismatchError } from "../errors.js";
import { initializeParameters } from "../parameters.js";
import { readSafetensors } from "../safetensors.js";
import { loadModelCheckpoint, saveModelCheckpoint } from "./checkpoint-files.js";
import { DEFAULT_TOY_TUNABLES, TOY_MODEL, ToyConfigError, type ToyConfig, toyParameterSpecs } from "./__fixtures__/toy-model.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nn-model-checkpoint-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const config: ToyConfig = { width: 4, inputs: 3, hidden: null, pattern: "p", bias: true };
const tunables = { ...DEFAULT_TOY_TUNABLES, lr0: 0.25 };

describe("loadModelCheckpoint / saveModelCheckpoint", () => {
  it("save the model name, the dicts and every alias; load them back parsed", async () => {
    const weights = initializeParameters(toyParameterSpecs(config, tunables), 7);
    const path = join(dir, "toy.safetensors");
    await saveModelCheckpoint(TOY_MODEL, path, { config, tunables, weights });
    const file = readSafetensors(await readFile(path), path);
    expect(file.metadata.model).toBe("toy");
    expect(JSON.parse(file.metadata.config ?? "")).toEqual(config);
    expect([...file.tensors.keys()].sort()).toEqual(["positions", "proj.bias", "proj.weight", "proj_copy.weight"]);
    expect(file.tensors.get("proj_copy.weight")?.data).toEqual(weights.get("proj.weight")?.data);

    const loaded = await loadModelCheckpoint(TOY_MODEL, path);
    expect(loaded.config).toEqual(config);
    expect(loaded.tunables).toEqual(tunables);
    expect([...loaded.weights.keys()].sort()).toEqual(["positions", "proj.bias", "proj.weight"]);
    expect(loaded.weights.get("proj.weight")?.data).toEqual(weights.get("proj.weight")?.data);
  });

  it("parse the dicts with the model's readers (defaults filled), then validate, then match the state dict", async () => {
    const weights = initializeParameters(toyParameterSpecs({ ...config, inputs: 2 }, tunables), 1);
    const sparse = join(dir, "sparse.safetensors");
    await writeCheckpoint(sparse, { config: { width: 4 }, tunables: {}, tensors: new Map([...weights, ["proj_copy.weight", weights.get("proj.weight") ?? { shape: [], data: new Float32Array() }]]) });
    const loaded = await loadModelCheckpoint(TOY_MODEL, sparse);
    expect(loaded.config).toEqual({ width: 4, inputs: 2, hidden: null, pattern: null, bias: true });
    expect(loaded.tunables).toEqual(DEFAULT_TOY_TUNABLES);

    const odd = join(dir, "odd.safetensors");
    await writeCheckpoint(odd, { config: { width: 3 }, tunables: {}, tensors: new Map() });
    await expect(loadModelCheckpoint(TOY_MODEL, odd)).rejects.toThrow(ToyConfigError);
    await expect(loadModelCheckpoint(TOY_MODEL, odd)).rejects.toThrow("toy config width = 3: must be even");

    const bad = join(dir, "bad.safetensors");
    await writeCheckpoint(bad, { config: { width: 4, hidden: -1 }, tunables: {}, tensors: new Map() });
    await expect(loadModelCheckpoint(TOY_MODEL, bad)).rejects.toThrow("toy config hidden = -1: must be a positive integer or null");

    const missing = join(dir, "missing.safetensors");
    await writeCheckpoint(missing, { config: { width: 4 }, tunables: {}, tensors: new Map([["positions", { shape: [3], data: new Float32Array(3) }]]) });
    const error = await loadModelCheckpoint(TOY_MODEL, missing).catch((e: unknown) => e);
    expect(StateDictMismatchError.isInstance(error)).toBe(true);
    expect((error as StateDictMismatchError).missing).toEqual(["proj.weight", "proj.bias"]);
  });

  it("pass the parameter options on to the specs", async () => {
    const weights = initializeParameters(toyParameterSpecs(config, tunables), 2);
    const path = join(dir, "options.safetensors");
    await saveModelCheckpoint(TOY_MODEL, path, { config, tunables, weights });
    expect((await loadModelCheckpoint(TOY_MODEL, path, { frozenWeight: true })).weights.size).toBe(3);
  });
});
