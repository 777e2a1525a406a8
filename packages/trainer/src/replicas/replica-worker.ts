/**
 * A data-parallel replica (`node:worker_threads`): builds the model from the replica module,
 * then for each shard it is sent copies the coordinator's current weights in, runs the forward
 * and backward pass of the shard's loss and posts the loss, metrics and gradients back (the
 * gradient buffer is transferred, not copied).
 */
import { availableParallelism } from "node:os";
import { parentPort, workerData } from "node:worker_threads";

import { Xoshiro128 } from "@autosing/base";
import * as tf from "@tensorflow/tfjs-core";
import type { Variable } from "@tensorflow/tfjs-core";

import { selectBackend } from "../backend.js";
import type { TrainableModel } from "../contract.js";
import { asLossResult, scalarValue } from "../loss-result.js";
import type { TfBackendChoice } from "@autosing/nn";
import type { ReplicaInit, ReplicaReply, StepRequest } from "./protocol.js";

const init = workerData as ReplicaInit;
const port = parentPort;
if (!port) throw new Error("replica-worker.js runs as a worker thread of autosing train --replicas");

function post(reply: ReplicaReply, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(reply, transfer);
}

function describe(error: unknown): ReplicaReply {
  return error instanceof Error ? { type: "error", message: error.message, ...(error.stack ? { stack: error.stack } : {}) } : { type: "error", message: String(error) };
}

async function start(): Promise<{ model: TrainableModel<unknown>; variables: Variable[] }> {
  // Each replica's native matrix products get its share of the cores, so N replicas do not
  // oversubscribe the machine N-fold.
  await selectBackend({ only: [init.backend as TfBackendChoice], matMulThreads: Math.max(1, Math.floor(availableParallelism() / init.replicas)) });
  const module = (await import(init.module)) as { createReplicaModel?: (options: unknown, context: { replica: number; replicas: number }) => Promise<TrainableModel<unknown>> | TrainableModel<unknown> };
  if (typeof module.createReplicaModel !== "function") throw new Error(`${init.module} does not export createReplicaModel(options, context)`);
  const model = await module.createReplicaModel(init.options, { replica: init.replica, replicas: init.replicas });
  const byName = new Map(model.parameters.map((p) => [p.name, p.variable]));
  for (const [name, tensor] of model.frozenTensors?.() ?? []) if (tensor instanceof tf.Variable && !byName.has(name)) byName.set(name, tensor);
  for (const fixed of init.fixed) {
    const target = byName.get(fixed.name);
    if (target) tf.tidy(() => target.assign(tf.tensor(fixed.data, fixed.shape, target.dtype)));
  }
  const variables = init.slots.map((slot) => {
    const variable = byName.get(slot.name);
    if (!variable || variable.shape.join(",") !== slot.shape.join(",")) {
      throw new Error(`the replica's model has no parameter "${slot.name}" of shape [${slot.shape.join(", ")}]; createReplicaModel must build the coordinator's model`);
    }
    return variable;
  });
  return { model, variables };
}

function step(model: TrainableModel<unknown>, variables: Variable[], request: StepRequest): void {
  const weights = new Float32Array(init.weights);
  init.slots.forEach((slot, i) => {
    const variable = variables[i] as Variable;
    tf.tidy(() => variable.assign(tf.tensor(weights.slice(slot.offset, slot.offset + slot.size), slot.shape, "float32")));
  });
  const rng = Xoshiro128.fromSeed(request.seed);
  const metrics: [string, number][] = [];
  const { value, grads } = tf.variableGrads(() => {
    const out = asLossResult(model.loss(request.batch, { training: true, rng }));
    for (const [name, metric] of Object.entries(out.metrics ?? {})) metrics.push([name, scalarValue(metric)]);
    return out.loss;
  }, variables);
  const total = init.slots.reduce((sum, slot) => sum + slot.size, 0);
  const gradients = new Float32Array(total);
  const present = new Uint8Array(init.slots.length);
  init.slots.forEach((slot, i) => {
    const gradient = grads[(variables[i] as Variable).name];
    if (!gradient) return;
    gradients.set(gradient.dataSync() as Float32Array, slot.offset);
    present[i] = 1;
  });
  const loss = scalarValue(value);
  value.dispose();
  for (const gradient of Object.values(grads)) gradient.dispose();
  post({ type: "result", loss, metrics, gradients, present }, [gradients.buffer as ArrayBuffer]);
}

start().then(
  ({ model, variables }) => {
    port.on("message", (request: StepRequest) => {
      try {
        step(model, variables, request);
      } catch (error) {
        post(describe(error));
      }
    });
    post({ type: "ready" });
  },
  (error: unknown) => post(describe(error)),
);
