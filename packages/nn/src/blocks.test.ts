import { readFileSync } from "node:fs";

import { float32Tensor, int64Tensor, openOnnxSession } from "@autosing/onnx";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";

import { OnnxEmitter } from "./onnx/emitter.js";
import type { StateDict } from "./safetensors.js";
import { rotaryInverseFrequencies, sinusoids } from "./tables.js";
import { gelu, layerNorm, multiHeadAttention, TfRotary } from "./tf/blocks.js";
import { useTfBackend } from "./tf/backend.js";

interface Golden {
  sinusoids_3x6: number[];
  inv_freq_8: number[];
  attention: { weights: Record<string, number[]>; x: number[]; memory: number[]; n_head: number; qk_scale: number; self_causal: number[]; cross_sub3: number[] };
  layer_norm: { x: number[]; w: number[]; b: number[]; y: number[] };
  gelu: { x: number[]; y: number[] };
}

// numpy transcription of whisperspeech/modules.py; see __fixtures__/make-golden.py.
const golden = JSON.parse(readFileSync(new URL("./__fixtures__/golden.json", import.meta.url), "utf8")) as Golden;

function expectClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] ?? NaN) - e)).toBeLessThan(tolerance));
}

beforeAll(async () => {
  await useTfBackend("cpu");
});

const W = 4;
const attentionWeights: StateDict = new Map([
  ["attn.query.weight", { shape: [W, W], data: new Float32Array(golden.attention.weights.qw ?? []) }],
  ["attn.query.bias", { shape: [W], data: new Float32Array(golden.attention.weights.qb ?? []) }],
  ["attn.key.weight", { shape: [W, W], data: new Float32Array(golden.attention.weights.kw ?? []) }],
  ["attn.value.weight", { shape: [W, W], data: new Float32Array(golden.attention.weights.vw ?? []) }],
  ["attn.value.bias", { shape: [W], data: new Float32Array(golden.attention.weights.vb ?? []) }],
  ["attn.out.weight", { shape: [W, W], data: new Float32Array(golden.attention.weights.ow ?? []) }],
  ["attn.out.bias", { shape: [W], data: new Float32Array(golden.attention.weights.ob ?? []) }],
]);
const lookup = (name: string): tf.Tensor => {
  const t = attentionWeights.get(name);
  if (!t) throw new Error(name);
  return tf.tensor(t.data, t.shape);
};

describe("tables match upstream", () => {
  it("sinusoids(3, 6) and Rotary inv_freq(8)", () => {
    expectClose(sinusoids(3, 6), golden.sinusoids_3x6, 1e-6);
    expectClose(rotaryInverseFrequencies(8), golden.inv_freq_8, 1e-7);
  });
});

describe("tfjs blocks match the numpy transcription of upstream", () => {
  it("LayerNorm (eps 1e-5) and exact GELU", () => {
    const ln = golden.layer_norm;
    const w = (name: string): tf.Tensor => (name.endsWith("weight") ? tf.tensor1d(ln.w) : tf.tensor1d(ln.b));
    expectClose(layerNorm(w, "ln", tf.tensor2d(ln.x, [2, 5])).dataSync(), ln.y, 1e-5);
    expectClose(gelu(tf.tensor1d(golden.gelu.x)).dataSync(), golden.gelu.y, 1e-6);
  });

  it("causal rotary self attention and cross attention with key subsampling 3", () => {
    const rotary = new TfRotary(2);
    const config = { nHead: golden.attention.n_head, qkScale: golden.attention.qk_scale, rotary };
    const x = tf.tensor3d(golden.attention.x, [1, 3, W]);
    const memory = tf.tensor3d(golden.attention.memory, [1, 5, W]);
    const pos = tf.range(0, 3, 1, "int32") as tf.Tensor1D;
    const memPos = tf.range(0, 5, 1, "int32") as tf.Tensor1D;
    expectClose(multiHeadAttention(lookup, "attn", config, x, pos, x, pos, { causal: true }).dataSync(), golden.attention.self_causal, 1e-5);
    expectClose(multiHeadAttention(lookup, "attn", config, x, pos, memory, memPos, { keySubsampling: 3 }).dataSync(), golden.attention.cross_sub3, 1e-5);
    rotary.dispose();
  });
});

describe("ONNX blocks match the same golden vectors", () => {
  it("self attention with cache-free causal mask, and cross attention (keys computed once, subsampled positions)", async () => {
    const e = new OnnxEmitter("attention", attentionWeights);
    const g = e.graph;
    g.addInput("x", "float32", ["batch", "seq", W]);
    g.addInput("memory", "float32", ["batch", "mem", W]);
    g.addInput("positions", "int64", ["seq"]);
    g.addInput("memory_positions", "int64", ["mem"]);
    const options = { nHead: 2, headDim: 2, qkScale: golden.attention.qk_scale };
    const rotary = e.rotaryAt("positions", 2);
    const self = e.selfAttention("x", "attn", { ...options, rotary, mask: e.causalMask("positions", "positions") });
    g.addNode("Identity", [self.out], ["self"]);
    g.addOutput("self", "float32", ["batch", "seq", W]);
    const kv = e.crossKeyValue("memory", "attn", { ...options, rotary: e.rotaryAt("memory_positions", 2) });
    const cross = e.crossAttentionSum("x", [{ prefix: "attn", key: kv.key, value: kv.value, rotary }], options);
    g.addNode("Identity", [cross], ["cross"]);
    g.addOutput("cross", "float32", ["batch", "seq", W]);
    const session = await openOnnxSession(g.toBytes(), { threads: 1 });
    const out = await session.run({
      x: float32Tensor(new Float32Array(golden.attention.x), [1, 3, W]),
      memory: float32Tensor(new Float32Array(golden.attention.memory), [1, 5, W]),
      positions: int64Tensor([0, 1, 2], [3]),
      memory_positions: int64Tensor([0, 3, 6, 9, 12], [5]),
    });
    await session.release();
    expectClose(out.self?.data as Float32Array, golden.attention.self_causal, 1e-5);
    expectClose(out.cross?.data as Float32Array, golden.attention.cross_sub3, 1e-5);
  });
});
