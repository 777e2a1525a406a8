import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";

import { StateDictMismatchError } from "./errors.js";
import { expandAliases, initializeParameters, matchStateDict, ParameterCollector } from "./parameters.js";
import { useTfBackend } from "./tf/backend.js";
import { TfParameters } from "./tf/parameters.js";

describe("μP parameter specs (port of whisperspeech init_transformer)", () => {
  const rules = { baseWidth: 192, initStd: 1, embeddingsStd: 0.01, embeddingsLrScale: 5, embeddingProjector: { lrScale: 2.5, std: 1 } };

  it("QueryHead zero with lr_scale base/fan_in, linears init_std/fan_in, embeddings and norms without decay", () => {
    const c = new ParameterCollector(rules);
    c.linear("attn.query", 384, 384, { kind: "query" });
    c.linear("mlp.0", 384, 1536);
    c.linear("proj", 64, 384, { kind: "projector" });
    c.embedding("emb.weight", 10, 384);
    c.layerNorm("ln", 384);
    const by = new Map(c.specs.map((s) => [s.name, s]));
    expect(by.get("attn.query.weight")).toMatchObject({ shape: [384, 384], init: { kind: "constant", value: 0 }, lrScale: 0.5, noWeightDecay: false });
    expect(by.get("attn.query.bias")?.init).toEqual({ kind: "uniform", bound: 1 / Math.sqrt(384) });
    expect(by.get("mlp.0.weight")).toMatchObject({ shape: [1536, 384], init: { kind: "truncatedNormal", std: 1 / 384 }, lrScale: 0.5 });
    expect(by.get("proj.weight")).toMatchObject({ init: { kind: "truncatedNormal", std: 1 }, lrScale: 2.5 });
    expect(by.get("emb.weight")).toMatchObject({ lrScale: 5, noWeightDecay: true, init: { kind: "truncatedNormal", std: 0.01 } });
    expect(by.get("ln.weight")).toMatchObject({ noWeightDecay: true, init: { kind: "constant", value: 1 } });
  });

  it("draws reproducibly, truncated at ±3 std", () => {
    const c = new ParameterCollector(rules);
    c.embedding("e", 100, 50);
    const a = initializeParameters(c.specs, 9).get("e")?.data ?? new Float32Array();
    const b = initializeParameters(c.specs, 9).get("e")?.data ?? new Float32Array();
    expect(a).toEqual(b);
    expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(0.03 + 1e-9);
    const std = Math.sqrt(a.reduce((s, v) => s + v * v, 0) / a.length);
    // A unit normal truncated at ±3 has standard deviation 0.9866.
    expect(std).toBeGreaterThan(0.0095);
    expect(std).toBeLessThan(0.0102);
  });

  it("matches state dicts with aliases and lists every mismatch", () => {
    const c = new ParameterCollector(rules);
    c.embedding("a.0.special.weight", 2, 4);
    c.alias("a.0.special.weight", "a.1.special.weight");
    c.layerNorm("ln", 4);
    const values = initializeParameters(c.specs, 1);
    const full = expandAliases(c.specs, values);
    expect([...full.keys()]).toEqual(["a.0.special.weight", "a.1.special.weight", "ln.weight", "ln.bias"]);
    expect([...matchStateDict(c.specs, full).keys()]).toEqual(["a.0.special.weight", "ln.weight", "ln.bias"]);
    full.set("a.1.special.weight", { shape: [3, 4], data: new Float32Array(12) });
    full.delete("ln.bias");
    full.set("extra", { shape: [1], data: new Float32Array(1) });
    expect(() => matchStateDict(c.specs, full)).toThrow(StateDictMismatchError);
    expect(() => matchStateDict(c.specs, full)).toThrow("missing keys: ln.bias; unexpected keys: extra; wrong shapes: a.1.special.weight is [3, 4], expected [2, 4]");
  });
});

describe("embedding gradients on the wasm and cpu backends", () => {
  it("gather's gradient (UnsortedSegmentSum) accumulates repeated ids, on both backends, offline", async () => {
    for (const backend of ["wasm", "cpu"] as const) {
      await useTfBackend(backend);
      expect(tf.getBackend()).toBe(backend);
      const c = new ParameterCollector({ baseWidth: 1, initStd: 1, embeddingsStd: 1, embeddingsLrScale: 1 });
      c.embedding("table", 4, 2);
      const params = new TfParameters(c.specs, new Map([["table", { shape: [4, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]) }]]));
      const ids = tf.tensor1d([1, 3, 1, 1], "int32");
      const weights = tf.tensor2d([1, 10, 2, 20, 3, 30, 4, 40], [4, 2]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(tf.gather(params.lookup("table"), ids), weights)) as tf.Scalar, params.variables.map((v) => v.variable));
      const grad = Object.values(grads)[0];
      // Row 1 is used at positions 0, 2, 3: 1+3+4 and 10+30+40; row 3 at position 1.
      expect(Array.from(grad?.dataSync() ?? [])).toEqual([0, 0, 8, 80, 0, 0, 2, 20]);
      params.dispose();
    }
  });
});
