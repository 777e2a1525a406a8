import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { ModelCheckpoint } from "./model-package/checkpoint-files.js";
import { type ExportLayout, readExportFolder, writeExportFolder } from "./model-package/export-folder.js";
import { DEFAULT_TOY_TUNABLES, TOY_MODEL, type ToyConfig, type ToyTunables, toyParameterSpecs } from "./model-package/__fixtures__/toy-model.js";
import { initializeParameters, ParameterCollector } from "./parameters.js";
import { readSafetensors, writeSafetensors } from "./safetensors.js";
import { randomModelWeights, randomWeights, relativeError, writeRandomExport } from "./testing.js";

describe("randomWeights (test fixture)", () => {
  const c = new ParameterCollector({ baseWidth: 8, initStd: 1, embeddingsStd: 0.01, embeddingsLrScale: 5, embeddingProjector: { lrScale: 2.5, std: 1 } });
  c.linear("attn.query", 8, 8, { kind: "query" });
  c.linear("mlp.0", 8, 16);
  c.buffer("positions", Float32Array.from([1, 2, 3]), [3]);
  const specs = c.specs;

  it("perturbs every trained parameter (μP's zero queries too), leaves buffers, and repeats for a seed", () => {
    const init = initializeParameters(specs, 3);
    const weights = randomWeights(specs, 3);
    expect(weights.get("positions")?.data).toEqual(Float32Array.from([1, 2, 3]));
    const query = weights.get("attn.query.weight")?.data ?? new Float32Array();
    expect(init.get("attn.query.weight")?.data.every((v) => v === 0)).toBe(true);
    expect(query.filter((v) => v !== 0).length).toBe(query.length);
    expect(randomWeights(specs, 3).get("mlp.0.weight")?.data).toEqual(weights.get("mlp.0.weight")?.data);
    expect(randomWeights(specs, 4).get("mlp.0.weight")?.data).not.toEqual(weights.get("mlp.0.weight")?.data);
  });

  it("is initScale · init + amplitude · noise: no noise keeps the scaled init", () => {
    const init = initializeParameters(specs, 5);
    const scaled = randomWeights(specs, 5, { amplitude: 0, initScale: 0.1 });
    const expected = Float32Array.from(init.get("mlp.0.weight")?.data ?? [], (v) => v * 0.1);
    expect(scaled.get("mlp.0.weight")?.data).toEqual(expected);
    const noisy = randomWeights(specs, 5, { amplitude: 0.4 });
    expect(relativeError(noisy.get("mlp.0.weight")?.data ?? [], init.get("mlp.0.weight")?.data ?? [])).toBeGreaterThan(1);
  });
});

describe("randomModelWeights / writeRandomExport (model-package fixtures)", () => {
  it("are randomWeights over the model's specs, written with the package's own export writer", async () => {
    const config: ToyConfig = { width: 2, inputs: 3, hidden: null, pattern: null, bias: true };
    const specs = toyParameterSpecs(config, DEFAULT_TOY_TUNABLES);
    expect(randomModelWeights(TOY_MODEL, config, DEFAULT_TOY_TUNABLES, 4, { amplitude: 0.1 })).toEqual(randomWeights(specs, 4, { amplitude: 0.1 }));

    const layout: ExportLayout<"weights"> = { graphs: { weights: "toy.safetensors" }, configFile: "toy-config.json" };
    const written: ModelCheckpoint<ToyConfig, ToyTunables>[] = [];
    const writeToyExport = async (checkpoint: ModelCheckpoint<ToyConfig, ToyTunables>, out: string): Promise<string[]> => {
      written.push(checkpoint);
      return writeExportFolder(TOY_MODEL, layout, out, checkpoint, () => ({ weights: writeSafetensors(checkpoint.weights) }));
    };
    const dir = await mkdtemp(join(tmpdir(), "nn-random-export-"));
    try {
      const files = await writeRandomExport(TOY_MODEL, writeToyExport, dir, config);
      expect(files).toEqual([join(dir, "toy.safetensors"), join(dir, "toy-config.json")]);
      expect(written[0]?.tunables).toEqual(DEFAULT_TOY_TUNABLES);
      expect(written[0]?.weights).toEqual(randomWeights(specs, 1));
      const folder = await readExportFolder(TOY_MODEL, layout, dir);
      expect(folder.config).toEqual(config);
      const reread = readSafetensors(await readFile(folder.graphs.weights), folder.graphs.weights).tensors;
      expect(reread.get("proj.weight")?.data).toEqual(randomWeights(specs, 1).get("proj.weight")?.data);

      await writeRandomExport(TOY_MODEL, writeToyExport, dir, config, { seed: 9, tunables: { ...DEFAULT_TOY_TUNABLES, init_std: 2 }, initScale: 0 });
      expect(written[1]?.weights).toEqual(randomWeights(toyParameterSpecs(config, { ...DEFAULT_TOY_TUNABLES, init_std: 2 }), 9, { initScale: 0 }));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
