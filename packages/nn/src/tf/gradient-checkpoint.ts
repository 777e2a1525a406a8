import * as tf from "@tensorflow/tfjs-core";

import type { WeightLookup } from "./blocks.js";

/** The engine fields this module reads or restores (public on tfjs-core's Engine, untyped in its API). */
interface EngineInternals {
  state: { activeTape: unknown; gradientDepth: number };
}

function engineInternals(): EngineInternals {
  return tf.engine() as unknown as EngineInternals;
}

/** Whether ops run now are being recorded for a gradient (inside tf.grads / tf.variableGrads). */
export function isRecordingGradients(): boolean {
  return engineInternals().state.gradientDepth > 0;
}

/**
 * Gradients of `f` at `xs` times `dy`, callable from inside another gradient's backward pass.
 * tfjs's engine keeps one active tape: a gradient computed while the outer backward pass runs
 * replaces it and, when done, sets it to null, after which the outer pass cannot free its saved
 * tensors. The outer tape is put back afterwards. Inputs `f` does not use get zeros.
 */
export function nestedGradients(f: () => tf.Tensor, xs: readonly tf.Tensor[], dy: tf.Tensor): tf.Tensor[] {
  const state = engineInternals().state;
  const outerTape = state.activeTape;
  try {
    const { value, grads } = tf.engine().gradients(f, [...xs], dy, true);
    value.dispose();
    return grads.map((g, i) => g ?? tf.zerosLike(xs[i] as tf.Tensor));
  } finally {
    state.activeTape = outerTape;
  }
}

/**
 * Gradient checkpointing (activation recomputation) for one block: `block` runs so that the
 * gradient tape keeps only its inputs and output, not its intermediates, and its backward pass
 * runs it again under a fresh tape. tfjs keeps every taped intermediate, and every intermediate
 * gradient, until the whole backward pass ends, so without this a model's peak memory is the sum
 * over all layers; with it, the block inputs plus one block's forward and backward. Costs one more
 * forward of the block in training; without a gradient being recorded it only frees the
 * intermediates earlier.
 *
 * `names` are the weights the block reads through its lookup: they become explicit inputs so that
 * their gradients flow, and reading any other name throws (its gradient would be lost silently).
 * `inputs` are every tensor the block reads that is computed inside the taped function (int32
 * positions included: they get a zero gradient); the taped function's tidy disposes such
 * tensors before the backward pass, so a closure must capture only tensors that outlive it
 * (weights, constant tables, tensors made before tf.variableGrads).
 */
export function gradientCheckpoint<T extends tf.Tensor>(
  w: WeightLookup,
  names: readonly string[],
  inputs: readonly tf.Tensor[],
  block: (w: WeightLookup, inputs: tf.Tensor[]) => T,
): T {
  const weights = names.map((name) => w(name));
  const lookupOver = (tensors: readonly tf.Tensor[]): WeightLookup => {
    const byName = new Map(names.map((name, i) => [name, tensors[i] as tf.Tensor]));
    return (name) => {
      const tensor = byName.get(name);
      if (!tensor) throw new Error(`gradientCheckpoint: the block reads weight '${name}', which is not among its ${names.length} declared names`);
      return tensor;
    };
  };
  const n = inputs.length;
  const run = (args: tf.Tensor[]): T => block(lookupOver(args.slice(n)), args.slice(0, n));
  const checkpointed = tf.customGrad(((...args: unknown[]) => {
    const tensors = args.slice(0, -1) as tf.Tensor[];
    // The outer forward's tidy disposes intermediates the tape does not save: the block's
    // inputs (e.g. the previous block's output) must be saved to be recomputed from.
    (args[args.length - 1] as tf.GradSaveFunc)(tensors);
    return {
      value: run(tensors),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        // Integer inputs (positions, ids) have no gradient; tfjs still wants a float32 zero for them.
        const differentiable = saved.filter((t) => t.dtype === "float32");
        const grads = nestedGradients(() => run(saved), differentiable, Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy);
        let next = 0;
        return saved.map((t) => (t.dtype === "float32" ? (grads[next++] as tf.Tensor) : tf.zeros(t.shape, "float32")));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => T;
  return checkpointed(...inputs, ...weights);
}
