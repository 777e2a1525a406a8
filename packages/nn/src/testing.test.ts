import { describe, expect, it } from "vitest";

import { initializeParameters, ParameterCollector } from "./parameters.js";
import { randomWeights, relativeError } from "./testing.js";

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
