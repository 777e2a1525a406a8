import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  ReplicaError,
  type ReplicaSpec,
  type TrainHyperparameters,
  TrainerConfigError,
  readTrainerState,
  selectBackend,
  shardBounds,
  splitRowMajorBatch,
  train,
} from "../src/index.js";
import { TinyLm, type TokenBatch, tinyDatasets } from "./fixtures/tiny-lm.js";
import type { TinyLmReplicaOptions } from "./fixtures/tiny-lm-replica.js";

let scratch: string;
beforeAll(async () => {
  await selectBackend({ only: ["cpu"] });
  scratch = await mkdtemp(join(tmpdir(), "autosing-replicas-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const base: TrainHyperparameters = {
  lr0: 3e-2,
  weightDecay: 0.1,
  warmupSteps: 2,
  clipGradientNorm: 1,
  lrSchedule: "cosine",
  epochs: 1,
  accumulateGradBatches: 1,
  seed: 5,
};

function replicas(count: number, options: TinyLmReplicaOptions): ReplicaSpec<TokenBatch> {
  // The tiny LM's loss is a mean over rows of equal length: shards weigh by their rows.
  const split = (batch: TokenBatch, parts: number) => splitRowMajorBatch(batch, parts, "batch");
  return { count, module: new URL("./fixtures/tiny-lm-replica.ts", import.meta.url).href, options: { ...options }, split };
}

function weightsOf(model: TinyLm): Float32Array[] {
  return model.parameters.map((p) => p.variable.dataSync() as Float32Array);
}

describe("splitRowMajorBatch", () => {
  it("cuts every row-major array at the same contiguous row bounds, earlier shards one row larger", () => {
    expect(shardBounds(5, 2)).toEqual([[0, 3], [3, 5]]);
    expect(shardBounds(1, 3)).toEqual([[0, 1], [1, 1], [1, 1]]);
    const batch = { size: 3, width: 2, a: Int32Array.from([1, 2, 3, 4, 5, 6]), b: Float32Array.from([7, 8, 9]) };
    const [first, second] = splitRowMajorBatch(batch, 2, "size");
    expect(first).toMatchObject({ samples: 2, batch: { size: 2, width: 2, a: Int32Array.from([1, 2, 3, 4]), b: Float32Array.from([7, 8]) } });
    expect(second).toMatchObject({ samples: 1, batch: { size: 1, width: 2, a: Int32Array.from([5, 6]), b: Float32Array.from([9]) } });
    expect(() => splitRowMajorBatch({ size: 2, a: new Int32Array(3) }, 2, "size")).toThrow(/batch field a/);
  });
});

describe("train with replicas", () => {
  it("2 replicas give the losses and weights of 1 replica at the same batch (float tolerance), and record N in the checkpoint", async () => {
    const hyperparameters = { ...base, epochs: 2 };
    const single = new TinyLm(16, 8, 16, 1, 0);
    const one = await train({ model: single, train: tinyDatasets({ batchSize: 7, trainCount: 28 }).train, hyperparameters });
    const parallel = new TinyLm(16, 8, 16, 1, 0);
    const checkpointDir = join(scratch, "equal");
    const two = await train({
      model: parallel,
      train: tinyDatasets({ batchSize: 7, trainCount: 28 }).train,
      hyperparameters,
      checkpointDir,
      replicas: replicas(2, { dropout: 0 }),
    });
    expect(two.steps).toBe(8);
    expect(two.losses).toHaveLength(one.losses.length);
    two.losses.forEach((loss, i) => expect(loss).toBeCloseTo(one.losses[i] as number, 5));
    const a = weightsOf(single);
    const b = weightsOf(parallel);
    a.forEach((values, k) => values.forEach((v, j) => expect(Math.abs(v - ((b[k] as Float32Array)[j] as number))).toBeLessThan(1e-5)));
    // The step changed the weights (the comparison is not between two untouched models).
    expect(Math.abs((a[3] as Float32Array)[0]! - (weightsOf(new TinyLm(16, 8, 16, 1, 0))[3] as Float32Array)[0]!)).toBeGreaterThan(1e-4);
    expect((await readTrainerState(join(checkpointDir, "epoch=2-step=8"))).replicas).toBe(2);
    single.dispose();
    parallel.dispose();
  });

  it("is reproducible for a given N with dropout, resumes exactly mid-epoch, and says what changes when resumed with another N", async () => {
    const options = { dropout: 0.1 };
    const hyperparameters = { ...base, epochs: 2 };
    const data = () => tinyDatasets({ batchSize: 8, trainCount: 32 }).train;
    const reference = new TinyLm(16, 8, 16, 1, 0.1);
    const uninterrupted = await train({ model: reference, train: data(), hyperparameters, replicas: replicas(2, options) });
    reference.dispose();
    expect(uninterrupted.losses).toHaveLength(8);

    // Run again, stopped after 3 of epoch 1's 4 steps, then resumed with the same N: the same losses (reproducible, exact resume).
    const checkpointDir = join(scratch, "change");
    const first = new TinyLm(16, 8, 16, 1, 0.1);
    const stopped = await train({ model: first, train: data(), hyperparameters, checkpointDir, maxSteps: 3, replicas: replicas(2, options) });
    first.dispose();
    expect(stopped.checkpoint).toBe(join(checkpointDir, "epoch=0-step=3"));
    const second = new TinyLm(16, 8, 16, 99, 0.1);
    const resumed = await train({ model: second, train: data(), hyperparameters, resumeFrom: stopped.checkpoint as string, replicas: replicas(2, options) });
    second.dispose();
    expect([...stopped.losses, ...resumed.losses]).toEqual(uninterrupted.losses);

    const lines: string[] = [];
    const third = new TinyLm(16, 8, 16, 1, 0.1);
    const changed = await train({ model: third, train: data(), hyperparameters, resumeFrom: stopped.checkpoint as string, log: (l) => lines.push(l) });
    third.dispose();
    expect(changed.steps).toBe(8);
    expect(lines.join("\n")).toMatch(/written with 2 replica\(s\), this run uses 1: the data order, the schedule and the optimizer state continue exactly/);
  });

  it("a replica that throws stops the run with its error, and the last checkpoint stays intact", async () => {
    const checkpointDir = join(scratch, "dies");
    const model = new TinyLm(16, 8, 16, 1, 0);
    // 4 steps per epoch: the end of epoch 1 writes a checkpoint, replica 1 throws in its 6th shard (epoch 2).
    const before = tf.memory().numTensors;
    const failure = await train({
      model,
      train: tinyDatasets({ batchSize: 8, trainCount: 32 }).train,
      hyperparameters: { ...base, epochs: 2 },
      checkpointDir,
      replicas: replicas(2, { dropout: 0, failOnReplica: 1, failAtCall: 6 }),
    }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReplicaError);
    expect((failure as Error).message).toMatch(/^replica 1: replica 1 failed on purpose at call 6; the run stopped/);
    expect(tf.memory().numTensors).toBe(before);
    expect(await readdir(checkpointDir)).toEqual(["epoch=1-step=4"]);
    expect(await readTrainerState(join(checkpointDir, "epoch=1-step=4"))).toMatchObject({ step: 4, epoch: 1, replicas: 2 });
    model.dispose();
  });

  it("a replica that throws mid-accumulation frees the window's gradients, and the run resumes from the intact checkpoint", async () => {
    const checkpointDir = join(scratch, "dies-mid-window");
    const hyperparameters = { ...base, epochs: 2, accumulateGradBatches: 2 };
    const data = () => tinyDatasets({ batchSize: 8, trainCount: 32 }).train;
    const model = new TinyLm(16, 8, 16, 1, 0);
    const before = tf.memory().numTensors;
    // 4 batches per epoch, 2 per optimizer step: epoch 1 ends with a checkpoint at step 2. Replica 0
    // throws on its 6th shard, the second batch of epoch 2's first window, whose first batch's
    // summed gradients the window holds at that moment.
    const failure = await train({ model, train: data(), hyperparameters, checkpointDir, replicas: replicas(2, { dropout: 0, failOnReplica: 0, failAtCall: 6 }) }).catch(
      (error: unknown) => error,
    );
    expect(ReplicaError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toMatch(/^replica 0: replica 0 failed on purpose at call 6; the run stopped/);
    expect(tf.memory().numTensors).toBe(before);
    expect(await readdir(checkpointDir)).toEqual(["epoch=1-step=2"]);
    model.dispose();

    const resumedModel = new TinyLm(16, 8, 16, 99, 0);
    // One process (no worker start-up): the checkpoint is whole; resuming with another N only logs a note.
    const resumed = await train({ model: resumedModel, train: data(), hyperparameters, resumeFrom: join(checkpointDir, "epoch=1-step=2"), log: () => undefined });
    expect(resumed.steps).toBe(4);
    expect(resumed.losses).toHaveLength(2);
    resumedModel.dispose();
  });

  it("refuses a replica count that is not a whole number ≥ 1", async () => {
    const model = new TinyLm();
    await expect(train({ model, train: tinyDatasets().train, hyperparameters: base, replicas: replicas(0, { dropout: 0 }) })).rejects.toThrow(TrainerConfigError);
    model.dispose();
  });
});
