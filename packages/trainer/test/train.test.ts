import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import * as tf from "@tensorflow/tfjs-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  CheckpointError,
  TrainerConfigError,
  loadModelWeights,
  readSafetensorsFile,
  readTrainerState,
  train,
  selectBackend,
  type TrainHyperparameters,
} from "../src/index.js";
import { TinyLm, tinyDatasets } from "./fixtures/tiny-lm.js";

let scratch: string;
beforeAll(async () => {
  await selectBackend({ only: ["cpu"] });
  scratch = await mkdtemp(join(tmpdir(), "autosing-trainer-"));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const base: TrainHyperparameters = {
  lr0: 3e-2,
  weightDecay: 0.1,
  warmupSteps: 4,
  clipGradientNorm: 1,
  lrSchedule: "cosine",
  epochs: 3,
  accumulateGradBatches: 1,
  seed: 5,
};

describe("train", () => {
  it("drives the loss of a tiny LM well below its start, validating and logging JSONL", async () => {
    const model = new TinyLm();
    const { train: trainSet, validation } = tinyDatasets();
    const metricsPath = join(scratch, "fall", "metrics.jsonl");
    const before = tf.memory().numTensors;
    const result = await train({
      model,
      train: trainSet,
      validation,
      hyperparameters: { ...base, epochs: 6, validateEveryNSteps: 10 },
      checkpointDir: join(scratch, "fall", "checkpoints"),
      outputDir: join(scratch, "fall", "model"),
      metricsPath,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(result.steps).toBe(6 * 8);
    expect(result.interrupted).toBe(false);
    const first = result.losses[0] as number;
    const last = result.losses.slice(-8).reduce((a, b) => a + b, 0) / 8;
    expect(last).toBeLessThan(first * 0.5);
    // Validation at every epoch end plus every 10 steps away from an epoch end (10, 20, 30; 40 is one).
    expect(result.validations.length).toBe(6 + 3);
    expect((result.validations.at(-1)?.loss as number) < (result.validations[0]?.loss as number)).toBe(true);
    // The model sees one token, so it cannot tell stride 1 from stride 2: 50 % is its ceiling.
    expect(result.validations.at(-1)?.metrics.acc).toBeGreaterThan(0.45);

    const lines = (await readFile(metricsPath, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l.type === "train")).toHaveLength(48);
    expect(lines.find((l) => l.type === "train")).toMatchObject({ step: 1, epoch: 0, loss: first, lr: expect.closeTo(3e-2 / 25, 9) });
    expect(lines.filter((l) => l.type === "validation")).toHaveLength(9);

    expect((await readdir(join(scratch, "fall", "checkpoints"))).sort()).toEqual(
      ["epoch=1-step=8", "epoch=2-step=16", "epoch=3-step=24", "epoch=4-step=32", "epoch=5-step=40", "epoch=6-step=48"].sort(),
    );
    const saved = await readSafetensorsFile(join(scratch, "fall", "model", "model.safetensors"));
    expect([...saved.tensors.keys()]).toEqual(["embedding.weight", "hidden.weight", "hidden.bias", "head.weight"]);
    expect(saved.tensors.get("hidden.weight")?.shape).toEqual([8, 16]);
    expect(JSON.parse(await readFile(join(scratch, "fall", "model", "config.json"), "utf8"))).toEqual(model.config());

    // The saved model loads into a fresh one with identical weights.
    const copy = new TinyLm(16, 8, 16, 999);
    await loadModelWeights(join(scratch, "fall", "model"), copy.parameters);
    expect(Array.from(copy.parameters[3]?.variable.dataSync() ?? [])).toEqual(Array.from(model.parameters[3]?.variable.dataSync() ?? []));
    model.dispose();
    copy.dispose();
  });

  it("resumes from an interrupted run with the same next-step loss as an uninterrupted one", async () => {
    const hyperparameters = { ...base, accumulateGradBatches: 2, epochs: 2 };
    const reference = new TinyLm();
    const uninterrupted = await train({ model: reference, ...tinyDatasets(), hyperparameters });
    reference.dispose();
    expect(uninterrupted.steps).toBe(8);

    // Stop mid-epoch (after 3 optimizer steps = 6 batches of epoch 1), as SIGINT would.
    const checkpointDir = join(scratch, "resume");
    const first = new TinyLm();
    const controller = new AbortController();
    const interrupted = await train({
      model: first,
      ...tinyDatasets(),
      hyperparameters,
      checkpointDir,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.step === 3) controller.abort();
      },
    });
    first.dispose();
    expect(interrupted.interrupted).toBe(true);
    expect(interrupted.steps).toBe(3);
    expect(interrupted.checkpoint).toBe(join(checkpointDir, "epoch=0-step=3"));
    const state = await readTrainerState(interrupted.checkpoint as string);
    expect(state).toMatchObject({ step: 3, epoch: 0, batchInEpoch: 6 });

    // A fresh model with other initial weights: everything must come from the checkpoint.
    const second = new TinyLm(16, 8, 16, 12345);
    const resumed = await train({ model: second, ...tinyDatasets(), hyperparameters, resumeFrom: interrupted.checkpoint as string });
    second.dispose();
    expect(resumed.steps).toBe(8);
    expect(resumed.losses).toHaveLength(5);
    resumed.losses.forEach((loss, i) => expect(Math.abs(loss - (uninterrupted.losses[3 + i] as number))).toBeLessThan(1e-5));
    expect(interrupted.losses).toEqual(uninterrupted.losses.slice(0, 3));
  });

  it("on SIGTERM finishes the step, checkpoints and reports an interrupted run", async () => {
    const model = new TinyLm();
    const checkpointDir = join(scratch, "sigterm");
    const result = await train({
      model,
      ...tinyDatasets(),
      hyperparameters: base,
      checkpointDir,
      handleProcessSignals: true,
      onProgress: (p) => {
        if (p.step === 2) process.emit("SIGTERM", "SIGTERM");
      },
    });
    model.dispose();
    expect(result).toMatchObject({ interrupted: true, steps: 2, checkpoint: join(checkpointDir, "epoch=0-step=2") });
    expect(process.listenerCount("SIGTERM")).toBe(0);
  });

  it("records the run shuffle buffer in the checkpoint, and says what changes when resumed with another", async () => {
    const model = new TinyLm();
    const checkpointDir = join(scratch, "shufbuf");
    const stopped = await train({ model, ...tinyDatasets(), hyperparameters: base, checkpointDir, maxSteps: 1, runShuffleBufferSize: 8192 });
    expect((await readTrainerState(stopped.checkpoint as string)).runShuffleBufferSize).toBe(8192);
    const lines: string[] = [];
    const resumed = await train({ model, ...tinyDatasets(), hyperparameters: base, checkpointDir, resumeFrom: stopped.checkpoint as string, runShuffleBufferSize: 1024, log: (l) => lines.push(l) });
    expect(lines.join("\n")).toMatch(
      /written with a run shuffle buffer of 8192 samples \(--shufbuf 8\), this run uses 1024 samples \(--shufbuf 1\): .* epoch 1 onwards .*resume with the same --shufbuf/,
    );
    expect((await readTrainerState(resumed.checkpoint as string)).runShuffleBufferSize).toBe(1024);
    // The same size resumes silently.
    const quiet: string[] = [];
    await train({ model, ...tinyDatasets(), hyperparameters: base, resumeFrom: stopped.checkpoint as string, runShuffleBufferSize: 8192, log: (l) => quiet.push(l) });
    expect(quiet.join("\n")).not.toContain("run shuffle buffer");
    model.dispose();
  });

  it("refuses to resume with different settings", async () => {
    const model = new TinyLm();
    const checkpointDir = join(scratch, "mismatch");
    const done = await train({ model, ...tinyDatasets(), hyperparameters: { ...base, epochs: 1 }, checkpointDir });
    await expect(
      train({ model, ...tinyDatasets(), hyperparameters: { ...base, epochs: 1, lr0: 1 }, resumeFrom: done.checkpoint as string }),
    ).rejects.toThrow(/lr0=0.03, this run has lr0=1/);
    await expect(train({ model, ...tinyDatasets(), hyperparameters: base, resumeFrom: join(scratch, "nothing") })).rejects.toThrow(
      CheckpointError,
    );
    model.dispose();
  });

  it("accumulating two batches of 4 gives the step of one batch of 8", async () => {
    const big = new TinyLm(16, 8, 16, 1, 0);
    const small = new TinyLm(16, 8, 16, 1, 0);
    const hyperparameters = { ...base, epochs: 1, lrSchedule: "const" as const, clipGradientNorm: null };
    await train({ model: big, train: tinyDatasets({ batchSize: 8, trainCount: 8 }).train, hyperparameters });
    await train({ model: small, train: tinyDatasets({ batchSize: 4, trainCount: 8 }).train, hyperparameters: { ...hyperparameters, accumulateGradBatches: 2 } });
    const a = big.parameters[3]?.variable.dataSync() as Float32Array;
    const b = small.parameters[3]?.variable.dataSync() as Float32Array;
    for (let i = 0; i < a.length; i++) expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(1e-6);
    big.dispose();
    small.dispose();
  });

  it("skips and counts a step whose loss is not finite, without touching the weights", async () => {
    const model = new TinyLm();
    const lines: string[] = [];
    const snapshots: { step: number; skipped: number; weights: number[] }[] = [];
    const result = await train({
      model,
      ...tinyDatasets(),
      hyperparameters: { ...base, epochs: 1 },
      log: (l) => lines.push(l),
      onProgress: (p) => {
        snapshots.push({ step: p.step, skipped: p.skippedSteps, weights: Array.from(model.parameters[3]?.variable.dataSync() ?? []) });
        if (p.step === 1 && p.skippedSteps === 0) model.poisonNextLoss = true;
      },
    });
    expect(result.skippedSteps).toBe(1);
    expect(result.steps).toBe(7);
    expect(lines.some((l) => /skipping step 2 .*non-finite loss NaN/.test(l))).toBe(true);
    // The skipped window reports step 1 again, with the weights step 1 left.
    expect(snapshots[1]).toMatchObject({ step: 1, skipped: 1 });
    expect(snapshots[1]?.weights).toEqual(snapshots[0]?.weights);
    expect(snapshots[2]?.weights).not.toEqual(snapshots[0]?.weights);
    model.dispose();
  });

  it("steps on a short last window when an epoch yields fewer batches than announced (skipped rows)", async () => {
    const model = new TinyLm();
    const { train: full } = tinyDatasets();
    const short = {
      batchesPerEpoch: 4,
      async *batches(epoch: number, skip: number) {
        let index = 0;
        for await (const item of full.batches(epoch, skip)) {
          if (index++ >= 3 - skip) return;
          yield item;
        }
      },
    };
    const lines: string[] = [];
    const result = await train({ model, train: short, hyperparameters: { ...base, epochs: 1, accumulateGradBatches: 2 }, log: (l) => lines.push(l) });
    model.dispose();
    expect(result.steps).toBe(2);
    expect(lines).toContain("epoch 1 ended after 3 of 4 batches");
  });

  it("rejects bad hyperparameters before training", async () => {
    const model = new TinyLm();
    const data = tinyDatasets();
    await expect(train({ model, ...data, hyperparameters: { ...base, epochs: 0 } })).rejects.toThrow(TrainerConfigError);
    await expect(train({ model, ...data, hyperparameters: { ...base, lrSchedule: "nope" as "const" } })).rejects.toThrow(/lr schedule/);
    await expect(train({ model, ...data, hyperparameters: { ...base, clipGradientNorm: -1 } })).rejects.toThrow(/clip_gradient_norm/);
    model.dispose();
  });
});
