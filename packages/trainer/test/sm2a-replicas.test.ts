import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";

import { type BatchShard, type SM2AHostBatch, TrainerConfigError, collateSM2A, selectBackend, splitRowMajorBatch, splitSM2ABatch } from "../src/index.js";
import { SM2A_TEST_CONFIG, paddedMultiscaleSamples, sm2aTestModel } from "./fixtures/sm2a-padded-windows.js";

beforeAll(async () => {
  await selectBackend({ only: ["cpu"] });
});

const PAD = SM2A_TEST_CONFIG.codes;

/** Loss, accuracy metrics and gradients (by parameter name) of one batch, on the given model. */
function pass(model: ReturnType<typeof sm2aTestModel>, batch: SM2AHostBatch) {
  const variables = model.parameters.map((p) => p.variable);
  const metrics: Record<string, number> = {};
  const { value, grads } = tf.variableGrads(() => {
    const out = model.loss(batch, { training: true });
    for (const [name, metric] of Object.entries(out.metrics)) metrics[name] = metric.dataSync()[0] as number;
    return out.loss;
  }, variables);
  const gradients = new Map(model.parameters.map((p) => [p.name, Float64Array.from(grads[p.variable.name]?.dataSync() ?? [])]));
  const loss = value.dataSync()[0] as number;
  tf.dispose([value, ...Object.values(grads)]);
  return { loss, metrics, gradients };
}

/** What the replica pool makes of shards: loss, metrics and gradients averaged with the shards' weights (rows by default). */
function combine(model: ReturnType<typeof sm2aTestModel>, shards: BatchShard<SM2AHostBatch>[]) {
  const parts = shards.map((shard) => ({ weight: shard.weight ?? shard.samples, ...pass(model, shard.batch) }));
  const total = parts.reduce((sum, p) => sum + p.weight, 0);
  const gradients = new Map<string, Float64Array>();
  const metrics: Record<string, number> = {};
  for (const part of parts) {
    for (const [name, values] of part.gradients) {
      const sum = gradients.get(name) ?? new Float64Array(values.length);
      values.forEach((v, i) => (sum[i] = (sum[i] as number) + (part.weight * v) / total));
      gradients.set(name, sum);
    }
    for (const [name, value] of Object.entries(part.metrics)) metrics[name] = (metrics[name] ?? 0) + (part.weight * value) / total;
  }
  return { loss: parts.reduce((sum, p) => sum + (p.weight * p.loss) / total, 0), metrics, gradients };
}

/** Largest |a − b| over every parameter's gradient, relative to the largest |b|. */
function gradientError(a: Map<string, Float64Array>, b: Map<string, Float64Array>): number {
  let diff = 0;
  let scale = 0;
  for (const [name, expected] of b) {
    const actual = a.get(name) as Float64Array;
    expected.forEach((v, i) => {
      diff = Math.max(diff, Math.abs((actual[i] as number) - v));
      scale = Math.max(scale, Math.abs(v));
    });
  }
  return diff / scale;
}

describe("splitSM2ABatch (sm2a replicas on padded multiscale windows)", () => {
  const samples = paddedMultiscaleSamples(3);
  const batch = collateSM2A(samples);

  it("gives shards whose row-weighted losses, accuracies and gradients equal the whole batch's", () => {
    // The rows really differ in pad targets (else weighing by rows would be exact anyway).
    const padsPerRow = samples.map((s) => s.atoks.reduce((n, code) => n + (code === PAD ? 1 : 0), 0));
    expect(new Set(padsPerRow).size).toBeGreaterThan(1);

    const model = sm2aTestModel(1);
    const whole = pass(model, batch);
    const shards = splitSM2ABatch(batch, 2, PAD);
    expect(shards.map((s) => s.samples)).toEqual([2, 1]);
    const exact = combine(model, shards);
    expect(Math.abs(exact.loss - whole.loss) / whole.loss).toBeLessThan(1e-6);
    for (const [name, value] of Object.entries(whole.metrics)) expect(exact.metrics[name], name).toBeCloseTo(value, 6);
    expect(gradientError(exact.gradients, whole.gradients)).toBeLessThan(1e-5);

    // Weighing each shard's own per-quantizer means by rows (splitRowMajorBatch) is measurably off.
    const naive = combine(model, splitRowMajorBatch(batch, 2, "size"));
    expect(Math.abs(naive.loss - whole.loss) / whole.loss).toBeGreaterThan(1e-4);
    expect(gradientError(naive.gradients, whole.gradients)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it("idles a replica without rows, and refuses to split a shard again", () => {
    const one = collateSM2A(samples.slice(0, 1));
    const shards = splitSM2ABatch(one, 2, PAD);
    expect(shards.map((s) => s.samples)).toEqual([1, 0]);
    expect(() => splitSM2ABatch(shards[0]?.batch as SM2AHostBatch, 2, PAD)).toThrow(TrainerConfigError);
  });
});
