import type { Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";

import type { Xoshiro128 } from "@autosing/base";

/** A JSON value, for configs and data positions that go into checkpoint files. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * One trainable tensor. `name` is the upstream PyTorch state_dict key (it names the tensor in
 * safetensors files); `lrScale` and `noWeightDecay` carry the module attributes upstream's
 * configure_optimizers reads (`lr_scale`, `no_weight_decay`) down to each parameter.
 */
export interface TrainableParameter {
  readonly name: string;
  readonly variable: Variable;
  /** The parameter group's lr is lr0 × lrScale (μP: e.g. 1/width_multiplier for hidden matrices). Default 1. */
  readonly lrScale?: number;
  /** Excluded from weight decay (embeddings, norms, biases upstream marks). Default false. */
  readonly noWeightDecay?: boolean;
}

export interface LossOptions {
  /** True during training steps (dropout on), false during validation. */
  training: boolean;
  /** The run's seeded generator: draw dropout seeds from it so a resumed run replays them. */
  rng: Xoshiro128;
}

export interface LossResult {
  /** The scalar that is minimised (for multi-part losses, the sum, as upstream's training_step). */
  loss: Scalar;
  /** Extra scalars to log and average over validation (e.g. `acc_q0`); not differentiated. */
  metrics?: Record<string, Scalar>;
}

/**
 * What a model implements to be trained. The trainer calls `loss` inside `tf.variableGrads`
 * and `tf.tidy`, so every tensor the model creates from the (host-memory) batch is freed
 * for it; only the returned scalars must stay alive until `loss` returns.
 */
export interface TrainableModel<Batch> {
  /** Every trainable tensor; names must be unique. Frozen tensors (trainable=false) are skipped. */
  readonly parameters: readonly TrainableParameter[];
  /** The loss of a batch; a bare scalar is accepted as `{ loss }` (no metrics). */
  loss(batch: Batch, options: LossOptions): LossResult | Scalar;
  /**
   * Tensors that are not trained but belong in the saved model (frozen embeddings, buffers),
   * by state_dict name. Saved with the weights; on load, the ones that are variables are restored.
   */
  frozenTensors?(): ReadonlyMap<string, Tensor>;
  /** The JSON config saved next to the weights so the model can be rebuilt (and exported). */
  config(): JsonObject;
}

/** One batch from a dataset, in host memory. */
export interface DatasetItem<Batch> {
  batch: Batch;
  /** Samples in the batch, for samples/s and for weighting validation averages. */
  samples: number;
  /** Tokens in the batch, for tokens/s (optional). */
  tokens?: number;
}

/**
 * A dataset the trainer can resume exactly: the sequence of batches of an epoch must depend
 * only on the dataset's own seed and `epoch`, so "epoch e, after b batches" is the whole data
 * position a checkpoint needs. `batches(epoch, skip)` yields that epoch's batches from index
 * `skip` on (skipping may read and drop the first `skip` batches).
 */
export interface TrainingDataset<Batch> {
  /** Batches per epoch, for the schedule's step count (upstream: len(dataloader)). */
  readonly batchesPerEpoch: number;
  batches(epoch: number, skip: number): AsyncIterable<DatasetItem<Batch>>;
}
