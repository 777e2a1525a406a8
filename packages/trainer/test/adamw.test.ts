import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";

import {
  AdamW,
  ModelContractError,
  TrainerConfigError,
  clipByGlobalNorm,
  globalNorm,
  groupParameters,
  scheduleAt,
  selectBackend,
} from "../src/index.js";

beforeAll(async () => {
  await selectBackend({ only: ["cpu"] });
});

// Golden values: torch.optim.AdamW's update (β2 0.95, ε 1e-8, decoupled decay) transcribed in
// float64 Python, three scalars in three groups (wd 0.1 / no decay / wd 0.1 with lr_scale 0.5),
// lr0 0.1, four fixed gradients. "cosine" also cycles β1 as OneCycleLR does (4 steps, warmup 2).
const GRADIENTS = [
  [0.3, -0.2, 1.5],
  [-0.1, 0.4, 0.2],
  [0.05, 0.05, -0.7],
  [1.0, -2.0, 0.3],
];
const GOLDEN = {
  const: [
    [0.395000003, -1.15, 1.94],
    [0.350619335, -1.1863374, 1.89170009],
    [0.305677568, -1.22173988, 1.86870232],
    [0.239132285, -1.17307202, 1.84303454],
  ],
  cosine: [
    [0.4958, -1.246, 1.9976],
    [0.491901207, -1.2915133, 1.97516405],
    [0.487723527, -1.31394251, 1.9703227],
    [0.487630301, -1.31389542, 1.97028446],
  ],
};

function scalars() {
  return [
    { name: "a", variable: tf.variable(tf.scalar(0.5)) },
    { name: "b", variable: tf.variable(tf.scalar(-1.25)), noWeightDecay: true },
    { name: "c", variable: tf.variable(tf.scalar(2.0)), lrScale: 0.5 },
  ];
}

describe("AdamW", () => {
  for (const schedule of ["const", "cosine"] as const) {
    it(`matches torch.optim.AdamW step by step (${schedule} schedule)`, () => {
      const parameters = scalars();
      const optimizer = new AdamW(groupParameters(parameters, 0.1, 0.1));
      GRADIENTS.forEach((gradient, step) => {
        const point = scheduleAt({ schedule, totalSteps: 4, warmupSteps: 2 }, step);
        const grads = new Map(parameters.map((p, i) => [p.name, tf.scalar(gradient[i] as number)]));
        optimizer.step(grads, point.lrFactor, point.beta1);
        for (const g of grads.values()) g.dispose();
        parameters.forEach((p, i) => {
          expect(p.variable.dtype).toBe("float32");
          expect(p.variable.dataSync()[0]).toBeCloseTo(GOLDEN[schedule][step]?.[i] as number, 6);
        });
      });
      expect(optimizer.stepCount).toBe(4);
      optimizer.dispose();
      for (const p of parameters) p.variable.dispose();
    });
  }

  it("restores its moments and step count exactly", () => {
    const run = (interruptAfter?: number) => {
      const parameters = scalars();
      let optimizer = new AdamW(groupParameters(parameters, 0.1, 0.1));
      GRADIENTS.forEach((gradient, step) => {
        if (step === interruptAfter) {
          const saved = new Map(
            [...optimizer.stateTensors()].map(([k, t]) => [k, { data: t.dataSync() as Float32Array, shape: [...t.shape] }]),
          );
          const count = optimizer.stepCount;
          optimizer.dispose();
          optimizer = new AdamW(groupParameters(parameters, 0.1, 0.1));
          optimizer.loadState(saved, count);
        }
        const grads = new Map(parameters.map((p, i) => [p.name, tf.scalar(gradient[i] as number)]));
        optimizer.step(grads, 1, 0.9);
        for (const g of grads.values()) g.dispose();
      });
      const values = parameters.map((p) => p.variable.dataSync()[0]);
      optimizer.dispose();
      for (const p of parameters) p.variable.dispose();
      return values;
    };
    expect(run(2)).toEqual(run());
  });

  it("frees its temporaries", () => {
    const parameters = scalars();
    const optimizer = new AdamW(groupParameters(parameters, 0.1, 0.1));
    const grads = new Map(parameters.map((p) => [p.name, tf.scalar(0.1)]));
    optimizer.step(grads, 1);
    const before = tf.memory().numTensors;
    optimizer.step(grads, 1);
    expect(tf.memory().numTensors).toBe(before);
    for (const g of grads.values()) g.dispose();
    optimizer.dispose();
    for (const p of parameters) p.variable.dispose();
  });
});

describe("groupParameters", () => {
  it("groups by (lr scale, weight decay) as upstream's configure_optimizers", () => {
    const parameters = [...scalars(), { name: "d", variable: tf.variable(tf.scalar(1)) }];
    const groups = groupParameters(parameters, 4e-3, 0.1);
    expect(groups.map((g) => ({ lr: g.baseLr, wd: g.weightDecay, names: g.parameters.map((p) => p.name) }))).toEqual([
      { lr: 4e-3, wd: 0.1, names: ["a", "d"] },
      { lr: 4e-3, wd: 0, names: ["b"] },
      { lr: 2e-3, wd: 0.1, names: ["c"] },
    ]);
    for (const p of parameters) p.variable.dispose();
  });

  it("rejects duplicate names, bad lr scales and bad lr0", () => {
    const v = tf.variable(tf.scalar(1));
    expect(() => groupParameters([{ name: "x", variable: v }, { name: "x", variable: v }], 1e-3, 0)).toThrow(ModelContractError);
    expect(() => groupParameters([{ name: "x", variable: v, lrScale: 0 }], 1e-3, 0)).toThrow(/lrScale 0/);
    expect(() => groupParameters([{ name: "x", variable: v }], -1, 0)).toThrow(TrainerConfigError);
    v.dispose();
  });
});

describe("gradient clipping", () => {
  it("scales by maxNorm / (norm + 1e-6) when the global norm exceeds it (clip_grad_norm_)", () => {
    const grads = new Map<string, tf.Tensor>([
      ["a", tf.tensor1d([3, 0])],
      ["b", tf.scalar(4)],
    ]);
    const norm = globalNorm(grads.values());
    expect(norm).toBeCloseTo(5, 6);
    const { gradients, coefficient } = clipByGlobalNorm(grads, 1, norm);
    expect(coefficient).toBeCloseTo(1 / (5 + 1e-6), 12);
    expect(Array.from(gradients.get("a")?.dataSync() ?? [])).toEqual([expect.closeTo(0.6, 6), 0]);
    expect(gradients.get("b")?.dataSync()[0]).toBeCloseTo(0.8, 6);
    for (const g of gradients.values()) g.dispose();
  });

  it("leaves small gradients alone", () => {
    const grads = new Map([["a", tf.tensor1d([0.3, 0.4])]]);
    const { gradients, coefficient } = clipByGlobalNorm(grads, 1, globalNorm(grads.values()));
    expect(coefficient).toBe(1);
    expect(gradients.get("a")).toBe(grads.get("a"));
    grads.get("a")?.dispose();
  });
});
