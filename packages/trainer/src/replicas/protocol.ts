import type { JsonValue } from "../contract.js";

/** A tensor's values by name, as the coordinator sends a replica its model's starting state. */
export interface HostValues {
  name: string;
  shape: number[];
  data: Float32Array | Int32Array;
}

/** Where a trainable parameter lives in the shared weight buffer (in float32 elements). */
export interface ParameterSlot {
  name: string;
  shape: number[];
  offset: number;
  size: number;
}

/** `workerData` of a replica. */
export interface ReplicaInit {
  module: string;
  options: JsonValue;
  replica: number;
  replicas: number;
  /** The coordinator's tfjs backend (`tf.getBackend()`); each replica initialises its own. */
  backend: string;
  /** The trainable parameters in the coordinator's order, and where their values are in `weights`. */
  slots: ParameterSlot[];
  /** The current weights, written by the coordinator before each batch it hands out. */
  weights: SharedArrayBuffer;
  /** Values of the parameters that are not trained and of the frozen variables (set once). */
  fixed: HostValues[];
}

/** Coordinator → replica: one forward and backward pass over a shard. */
export interface StepRequest {
  type: "step";
  batch: unknown;
  /** Seed of the shard's generator (dropout); the coordinator draws it from the run's stream. */
  seed: number;
}

/** Replica → coordinator. `gradients` holds every slot's gradient (zeros where `present` is 0). */
export type ReplicaReply =
  | { type: "ready" }
  | { type: "result"; loss: number; metrics: [string, number][]; gradients: Float32Array; present: Uint8Array }
  | { type: "error"; message: string; stack?: string };
