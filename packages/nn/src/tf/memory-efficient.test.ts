import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";

import type { FlexEmbeddingsShape, WeightLookup } from "./blocks.js";
import { attentionCore } from "./attention-core.js";
import { crossEntropy, delSumHead, residualAttentionBlock, TfRotary } from "./blocks.js";
import { gradientCheckpoint } from "./gradient-checkpoint.js";
import { useTfBackend } from "./backend.js";
import { delSumHeadCrossEntropy, unembedCrossEntropy } from "./unembed-loss.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

function randomTensor(random: Xoshiro128, shape: number[], std = 1): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => random.normal() * std), shape);
}

/** Largest absolute difference relative to the largest magnitude of the reference. */
function relativeError(actual: tf.Tensor, expected: tf.Tensor): number {
  expect(actual.shape).toEqual(expected.shape);
  expect(actual.dtype).toBe(expected.dtype);
  const a = actual.dataSync();
  const e = expected.dataSync();
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < e.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (e[i] as number)));
    scale = Math.max(scale, Math.abs(e[i] as number));
  }
  return diff / Math.max(scale, 1e-30);
}

function variables(random: Xoshiro128, shapes: Record<string, number[]>, std = 1): Map<string, tf.Variable> {
  return new Map(Object.entries(shapes).map(([name, shape]) => [name, tf.variable(randomTensor(random, shape, std), true, `${name}_${Math.floor(random.nextFloat() * 1e9)}`)]));
}

function lookupOf(map: Map<string, tf.Tensor>): WeightLookup {
  return (name) => {
    const t = map.get(name);
    if (!t) throw new Error(`no weight ${name}`);
    return t;
  };
}

function gradsOf(f: () => tf.Scalar, vars: Map<string, tf.Variable>): { value: number; grads: Map<string, tf.Tensor> } {
  const { value, grads } = tf.variableGrads(f, [...vars.values()]);
  const out = new Map([...vars].map(([name, v]) => [name, grads[v.name] as tf.Tensor]));
  const result = { value: value.dataSync()[0] as number, grads: out };
  value.dispose();
  return result;
}

describe("unembedCrossEntropy", () => {
  // 10 rows in chunks of 3 (a ragged last chunk), 7 main codes + 2 special, two targets ignored.
  const rows = 10;
  const targetsData = Int32Array.from([0, 3, 6, 7, 8, 2, 7, 1, 5, 4]);
  const ignoreIndex = 7;

  it("gives the loss, accuracy counts and gradients of the plain cross entropy over full logits", () => {
    const random = Xoshiro128.fromWord(3);
    const vars = variables(random, { x: [rows, 5], main: [7, 5], special: [2, 4], xSpecial: [rows, 4] });
    const w = lookupOf(vars);
    const targets = tf.tensor1d(targetsData, "int32");
    const scale = 1.7;
    const plainLogits = (): tf.Tensor2D =>
      tf.mul(tf.concat([tf.matMul(w("x"), w("main"), false, true), tf.matMul(w("xSpecial"), w("special"), false, true)], 1), scale);
    const plain = gradsOf(() => crossEntropy(plainLogits(), targets, ignoreIndex), vars);
    const efficient = gradsOf(
      () =>
        unembedCrossEntropy(
          { x: w("x") as tf.Tensor2D, main: w("main") as tf.Tensor2D, special: w("special") as tf.Tensor2D, xSpecial: w("xSpecial") as tf.Tensor2D },
          targets,
          { scale, ignoreIndex, chunkRows: 3 },
        ).loss,
      vars,
    );
    expect(Math.abs(efficient.value - plain.value) / Math.abs(plain.value)).toBeLessThan(1e-5);
    for (const name of vars.keys()) expect(relativeError(efficient.grads.get(name) as tf.Tensor, plain.grads.get(name) as tf.Tensor), name).toBeLessThan(1e-5);

    const counts = tf.tidy(() => {
      const r = unembedCrossEntropy({ x: w("x") as tf.Tensor2D, main: w("main") as tf.Tensor2D, special: w("special") as tf.Tensor2D, xSpecial: w("xSpecial") as tf.Tensor2D }, targets, {
        scale,
        ignoreIndex,
        chunkRows: 4,
      });
      return [r.correct.dataSync()[0], r.valid.dataSync()[0]];
    });
    const expectedCorrect = tf.tidy(() => {
      const predicted = tf.argMax(plainLogits(), 1).dataSync();
      return targetsData.reduce((n, t, i) => n + (t !== ignoreIndex && predicted[i] === t ? 1 : 0), 0);
    });
    expect(counts).toEqual([expectedCorrect, rows - 2]);
    tf.dispose([targets, ...vars.values(), ...plain.grads.values(), ...efficient.grads.values()]);
  });

  it("divides by `denominator` when given: two row shards over the whole batch's count add up to its loss and gradients", () => {
    const random = Xoshiro128.fromWord(5);
    const vars = variables(random, { x: [rows, 5], main: [9, 5] });
    const loss = (from: number, size: number, denominator?: number) =>
      unembedCrossEntropy(
        { x: tf.slice(vars.get("x") as tf.Tensor2D, [from, 0], [size, 5]), main: vars.get("main") as tf.Tensor2D },
        tf.tensor1d(targetsData.subarray(from, from + size), "int32"),
        { ignoreIndex, chunkRows: 3, ...(denominator === undefined ? {} : { denominator }) },
      );
    const whole = gradsOf(() => loss(0, rows).loss, vars);
    // Rows 0–3 hold one ignored target, rows 4–9 the other: shard means differ from the batch's.
    const valid = rows - 2;
    const shards = gradsOf(() => tf.add(loss(0, 4, valid).loss, loss(4, 6, valid).loss) as tf.Scalar, vars);
    expect(Math.abs(shards.value - whole.value) / whole.value).toBeLessThan(1e-6);
    for (const name of vars.keys()) expect(relativeError(shards.grads.get(name) as tf.Tensor, whole.grads.get(name) as tf.Tensor), name).toBeLessThan(1e-5);
    const own = gradsOf(() => tf.div(tf.add(tf.mul(loss(0, 4).loss, 4), tf.mul(loss(4, 6).loss, 6)), rows) as tf.Scalar, vars);
    expect(Math.abs(own.value - whole.value) / whole.value).toBeGreaterThan(1e-3); // weighing shard means by rows is not exact here
    tf.dispose([...vars.values(), ...whole.grads.values(), ...shards.grads.values(), ...own.grads.values()]);
  });

  it("leaks no tensors, with or without a gradient being recorded", () => {
    const random = Xoshiro128.fromWord(4);
    const vars = variables(random, { x: [rows, 5], main: [9, 5] });
    const targets = tf.tensor1d(targetsData, "int32");
    const before = tf.memory().numTensors;
    tf.tidy(() => unembedCrossEntropy({ x: vars.get("x") as tf.Tensor2D, main: vars.get("main") as tf.Tensor2D }, targets, { chunkRows: 3 }).loss.dataSync());
    const { value, grads } = tf.variableGrads(() => unembedCrossEntropy({ x: vars.get("x") as tf.Tensor2D, main: vars.get("main") as tf.Tensor2D }, targets, { chunkRows: 3 }).loss);
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([targets, ...vars.values()]);
  });
});

describe("delSumHeadCrossEntropy", () => {
  const quantizers = 3;
  const width = 6;

  for (const frozenWidth of [width, 4]) {
    it(`equals delSumHead + crossEntropy per quantizer, loss and gradients (embedding width ${frozenWidth})`, () => {
      const random = Xoshiro128.fromWord(5 + frozenWidth);
      const shape: FlexEmbeddingsShape = { codes: 11, width, specialCodes: 2, frozenWidth, unembed: true };
      const shapes: Record<string, number[]> = {
        "head.splitter.0.weight": [width * quantizers, width],
        "head.splitter.0.bias": [width * quantizers],
        "emb.0.special.weight": [2, width],
      };
      for (let q = 0; q < quantizers; q++) {
        shapes[`emb.${q}.main.weight`] = [11, frozenWidth];
        if (frozenWidth !== width) {
          shapes[`emb.${q}.hidden_to_emb.weight`] = [frozenWidth, width];
          shapes[`emb.${q}.hidden_to_emb.bias`] = [frozenWidth];
        }
      }
      const vars = variables(random, { ...shapes, x: [2, 5, width] }, 0.7);
      const w = lookupOf(vars);
      const targets = tf.tensor3d(Int32Array.from({ length: 2 * quantizers * 5 }, (_, i) => (i * 7) % 12), [2, quantizers, 5], "int32");
      const scale = 0.8;
      const plain = gradsOf(() => {
        const logits = tf.mul(delSumHead(w, "head", "emb", shape, quantizers, w("x") as tf.Tensor3D), scale) as tf.Tensor4D;
        const [b, q, t, v] = logits.shape;
        let total: tf.Tensor = tf.scalar(0);
        for (let i = 0; i < q; i++) {
          const part = crossEntropy(tf.reshape(tf.slice(logits, [0, i, 0, 0], [b, 1, t, v]), [b, t, v]), tf.reshape(tf.slice(targets, [0, i, 0], [b, 1, t]), [b, t]), 11);
          total = tf.add(total, tf.mul(part, i + 1));
        }
        return total as tf.Scalar;
      }, vars);
      const efficient = gradsOf(() => {
        const parts = delSumHeadCrossEntropy(w, "head", "emb", shape, quantizers, w("x") as tf.Tensor3D, targets, { scale, ignoreIndex: 11, chunkRows: 4 });
        return parts.reduce((total: tf.Tensor, part, i) => tf.add(total, tf.mul(part.loss, i + 1)), tf.scalar(0)) as tf.Scalar;
      }, vars);
      expect(Math.abs(efficient.value - plain.value) / Math.abs(plain.value)).toBeLessThan(1e-5);
      for (const name of vars.keys()) expect(relativeError(efficient.grads.get(name) as tf.Tensor, plain.grads.get(name) as tf.Tensor), name).toBeLessThan(1e-5);
      tf.dispose([targets, ...vars.values(), ...plain.grads.values(), ...efficient.grads.values()]);
    });
  }
});

describe("gradientCheckpoint", () => {
  const width = 8;
  const names = [
    "blk.attn_ln.weight",
    "blk.attn_ln.bias",
    "blk.attn.query.weight",
    "blk.attn.query.bias",
    "blk.attn.key.weight",
    "blk.attn.value.weight",
    "blk.attn.value.bias",
    "blk.attn.out.weight",
    "blk.attn.out.bias",
    "blk.mlp_ln.weight",
    "blk.mlp_ln.bias",
    "blk.mlp.0.weight",
    "blk.mlp.0.bias",
    "blk.mlp.2.weight",
    "blk.mlp.2.bias",
  ];
  const shapeOf = (name: string): number[] => {
    if (name.startsWith("blk.mlp.0")) return name.endsWith("weight") ? [4 * width, width] : [4 * width];
    if (name.startsWith("blk.mlp.2")) return name.endsWith("weight") ? [width, 4 * width] : [width];
    return name.endsWith("weight") && !name.includes("_ln") ? [width, width] : [width];
  };

  it("gives the gradients of the plain block, twice in a row, and leaks no tensors", () => {
    const random = Xoshiro128.fromWord(9);
    const vars = variables(random, { ...Object.fromEntries(names.map((n) => [n, shapeOf(n)])), x: [2, 5, width] }, 0.5);
    const w = lookupOf(vars);
    const rotary = new TfRotary(4);
    const config = { nHead: 2, qkScale: 1, rotary };
    const block = (lookup: WeightLookup, [x, positions]: tf.Tensor[]): tf.Tensor3D =>
      residualAttentionBlock(lookup, "blk", config, x as tf.Tensor3D, positions as tf.Tensor1D, { causal: true });
    // Two stacked applications: the second's backward runs while the first's is pending. The
    // positions are made inside the taped function, so they are gone unless passed as inputs.
    const lossOf = (apply: (x: tf.Tensor3D, positions: tf.Tensor1D) => tf.Tensor3D) => () => {
      const positions = tf.range(0, 5, 1, "int32") as tf.Tensor1D;
      return tf.sum(tf.square(apply(apply(w("x") as tf.Tensor3D, positions), positions))) as tf.Scalar;
    };
    const plain = gradsOf(lossOf((x, positions) => block(w, [x, positions])), vars);
    const before = tf.memory().numTensors;
    const checkpointed = gradsOf(
      lossOf((x, positions) => gradientCheckpoint(w, names, [x, positions], block)),
      vars,
    );
    expect(tf.memory().numTensors).toBe(before + vars.size);
    expect(Math.abs(checkpointed.value - plain.value) / Math.abs(plain.value)).toBeLessThan(1e-5);
    for (const name of vars.keys()) expect(relativeError(checkpointed.grads.get(name) as tf.Tensor, plain.grads.get(name) as tf.Tensor), name).toBeLessThan(1e-5);
    expect(() => tf.tidy(() => gradientCheckpoint(w, names.slice(1), [w("x"), tf.range(0, 5, 1, "int32")], block))).toThrow(/blk.attn_ln.weight/);
    tf.dispose([...vars.values(), ...plain.grads.values(), ...checkpointed.grads.values()]);
    rotary.dispose();
  });
});

describe("attentionCore", () => {
  // Groups of 6 (all pairs at once), 4 (a ragged last group) and 1 (batch, head) pairs.
  for (const [causal, groupPairs] of [[false, 6], [true, 6], [true, 4], [false, 1]] as const) {
    it(`gives the values and gradients of softmax(q·kᵀ·scale${causal ? " + causal mask" : ""})·v under autograd, ${groupPairs} pairs at a time`, () => {
      const random = Xoshiro128.fromWord(causal ? 11 : 12);
      const tk = causal ? 5 : 3;
      const vars = variables(random, { q: [2, 3, 5, 4], k: [2, 3, tk, 4], v: [2, 3, tk, 4], mix: [2, 3, 5, 4] });
      const w = lookupOf(vars);
      const maskValues = new Float32Array(5 * tk);
      if (causal) for (let i = 0; i < 5; i++) for (let j = i + 1; j < tk; j++) maskValues[i * tk + j] = -1e9;
      const mask = causal ? tf.tensor2d(maskValues, [5, tk]) : null;
      const scale = 0.6;
      const plainCore = (q: tf.Tensor, k: tf.Tensor, v: tf.Tensor): tf.Tensor => {
        let scores = tf.mul(tf.matMul(q, k, false, true), scale);
        if (mask) scores = tf.add(scores, mask);
        return tf.matMul(tf.softmax(scores), v);
      };
      // A non-uniform upstream gradient: the output is mixed with fixed weights before the sum.
      const lossOf = (core: (q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D) => tf.Tensor) => () =>
        tf.sum(tf.mul(core(w("q") as tf.Tensor4D, w("k") as tf.Tensor4D, w("v") as tf.Tensor4D), w("mix"))) as tf.Scalar;
      const plain = gradsOf(lossOf(plainCore), vars);
      const fused = gradsOf(lossOf((q, k, v) => attentionCore(q, k, v, scale, mask, groupPairs * 5 * tk * 4)), vars);
      expect(Math.abs(fused.value - plain.value) / Math.abs(plain.value)).toBeLessThan(1e-6);
      for (const name of vars.keys()) expect(relativeError(fused.grads.get(name) as tf.Tensor, plain.grads.get(name) as tf.Tensor), name).toBeLessThan(1e-5);
      tf.dispose([...vars.values(), ...plain.grads.values(), ...fused.grads.values()]);
      mask?.dispose();
    });
  }
});
