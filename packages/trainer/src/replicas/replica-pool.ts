import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

import type { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import type { NamedTensorMap, Scalar, Tensor } from "@tensorflow/tfjs-core";

import type { TrainableModel, TrainableParameter } from "../contract.js";
import { ReplicaError } from "../errors.js";
import type { BatchGradients } from "../step-execution.js";
import type { HostValues, ParameterSlot, ReplicaInit, ReplicaReply, StepRequest } from "./protocol.js";
import type { ReplicaSpec } from "./spec.js";

type ShardResult = Extract<ReplicaReply, { type: "result" }>;

/** One worker and the reply it owes, if any. */
class Replica {
  private waiting: { resolve: (reply: ShardResult | { type: "ready" }) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(
    readonly index: number,
    readonly worker: Worker,
  ) {
    worker.on("message", (reply: ReplicaReply) => {
      if (reply.type === "error") this.fail(new ReplicaError(index, reply.message));
      else this.settle((w) => w.resolve(reply));
    });
    worker.on("error", (error) => this.fail(new ReplicaError(index, error.message, { cause: error })));
    worker.on("exit", (code) => this.fail(new ReplicaError(index, `its worker exited with code ${code}`)));
  }

  private settle(action: (waiting: NonNullable<Replica["waiting"]>) => void): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) action(waiting);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.settle((w) => w.reject(this.failure as Error));
  }

  /** The next reply (the first is "ready"); rejects with the replica's error if it failed or fails. */
  next(request?: StepRequest): Promise<ShardResult | { type: "ready" }> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      if (request) this.worker.postMessage(request);
    });
  }
}

/**
 * The worker to start: the script beside this file (dist), or, when it or the replica module is
 * TypeScript (tests and benches run from sources), a bootstrap that registers tsx's loader in the
 * worker first (`execArgv: ["--import", "tsx"]` does not reach worker threads on Node 20).
 */
function workerScript(module: string): URL {
  const fromSource = import.meta.url.endsWith(".ts");
  const script = new URL(`./replica-worker.${fromSource ? "ts" : "js"}`, import.meta.url);
  if (!fromSource && !module.endsWith(".ts")) return script;
  // require.resolve finds the CommonJS entry; its ES module twin sits beside it.
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api").replace(/\.cjs$/, ".mjs")).href;
  const bootstrap = `const { register } = await import(${JSON.stringify(tsx)}); register(); await import(${JSON.stringify(script.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`);
}

async function hostValues(name: string, tensor: Tensor): Promise<HostValues> {
  const data = (await tensor.data()) as Float32Array | Int32Array;
  return { name, shape: [...tensor.shape], data };
}

/**
 * The coordinator's side of data parallelism: N worker replicas of the model. `gradients`
 * publishes the current weights, splits a batch into contiguous shards, has each replica run
 * its shard, and combines the results in replica order into what `batchGradients` would return
 * for the whole batch: gradients and loss averaged with the shards' weights (their losses'
 * denominators), then divided by the accumulation count.
 */
export class ReplicaPool<Batch> {
  private constructor(
    private readonly spec: ReplicaSpec<Batch>,
    private readonly replicas: Replica[],
    private readonly slots: ParameterSlot[],
    private readonly weights: Float32Array,
    private readonly trainable: readonly TrainableParameter[],
  ) {}

  /** Starts `spec.count` replicas of `model` on the current backend and waits until all are ready. */
  static async start<Batch>(spec: ReplicaSpec<Batch>, model: TrainableModel<Batch>, trainable: readonly TrainableParameter[]): Promise<ReplicaPool<Batch>> {
    let offset = 0;
    const slots = trainable.map(({ name, variable }) => {
      const slot = { name, shape: [...variable.shape], offset, size: variable.size };
      offset += variable.size;
      return slot;
    });
    const weights = new Float32Array(new SharedArrayBuffer(offset * 4));
    const trained = new Set(trainable.map((p) => p.name));
    const fixed: HostValues[] = [];
    for (const p of model.parameters) if (!trained.has(p.name)) fixed.push(await hostValues(p.name, p.variable));
    for (const [name, tensor] of model.frozenTensors?.() ?? []) if (tensor instanceof tf.Variable && !trained.has(name)) fixed.push(await hostValues(name, tensor));
    const url = workerScript(spec.module);
    const replicas = Array.from({ length: spec.count }, (_, replica) => {
      const workerData: ReplicaInit = { module: spec.module, options: spec.options ?? null, replica, replicas: spec.count, backend: tf.getBackend(), slots, weights: weights.buffer as SharedArrayBuffer, fixed };
      return new Replica(replica, new Worker(url, { workerData }));
    });
    const pool = new ReplicaPool(spec, replicas, slots, weights, trainable);
    try {
      await Promise.all(replicas.map((r) => r.next()));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  /** The whole batch's backward pass, computed by the replicas on their shards. */
  async gradients(batch: Batch, rng: Xoshiro128, accumulateGradBatches: number): Promise<BatchGradients> {
    this.slots.forEach((slot, i) => this.weights.set((this.trainable[i] as TrainableParameter).variable.dataSync() as Float32Array, slot.offset));
    const shards = this.spec.split(batch, this.replicas.length);
    // One seed per replica from the run's stream, drawn in replica order, so a run is reproducible for its N.
    const seeds = this.replicas.map(() => rng.nextSeed());
    const pending = shards.map((shard, i) =>
      shard.samples > 0 ? (this.replicas[i] as Replica).next({ type: "step", batch: shard.batch, seed: seeds[i] as number }) : Promise.resolve(undefined),
    );
    const settled = await Promise.allSettled(pending);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (failed) throw failed.reason;

    const sums = new Float64Array(this.weights.length);
    const reached = new Uint8Array(this.slots.length);
    const metricSums = new Map<string, number>();
    let loss = 0;
    let totalWeight = 0;
    settled.forEach((s, i) => {
      const result = (s as PromiseFulfilledResult<ShardResult | undefined>).value;
      if (!result) return;
      const shard = shards[i] as (typeof shards)[number];
      const weight = shard.weight ?? shard.samples;
      totalWeight += weight;
      loss += weight * result.loss;
      for (const [name, value] of result.metrics) metricSums.set(name, (metricSums.get(name) ?? 0) + weight * value);
      for (let j = 0; j < sums.length; j++) sums[j] = (sums[j] as number) + weight * (result.gradients[j] as number);
      for (let k = 0; k < reached.length; k++) if (result.present[k]) reached[k] = 1;
    });
    const scale = 1 / (totalWeight * accumulateGradBatches);
    const grads: NamedTensorMap = {};
    this.slots.forEach((slot, k) => {
      if (!reached[k]) return;
      const values = new Float32Array(slot.size);
      for (let j = 0; j < slot.size; j++) values[j] = (sums[slot.offset + j] as number) * scale;
      grads[(this.trainable[k] as TrainableParameter).variable.name] = tf.tensor(values, slot.shape, "float32");
    });
    const metrics: [string, Scalar][] = [...metricSums].map(([name, sum]) => [name, tf.scalar(sum / totalWeight)]);
    return { value: tf.scalar(loss / totalWeight / accumulateGradBatches), grads, metrics };
  }

  /** Ends every replica. */
  async close(): Promise<void> {
    await Promise.all(this.replicas.map((r) => r.worker.terminate()));
  }
}
