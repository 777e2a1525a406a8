import { tf, TrainableTfModel } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { SM2AConfigError } from "./errors.js";
import { SM2A_MODEL } from "./model-definition.js";
import { SM2ATfModel } from "./tf-model.js";

/** A collated batch in host memory, row-major (the trainer's sm2a batch layout). */
export interface SM2AHostBatch {
  size: number;
  stoksLength: number;
  atoksLength: number;
  mtoksLength: number;
  stoks: Int32Array;
  /** [size, quantizers, atoksLength]. */
  atoks: Int32Array;
  /** [size, atoksLength] per-sample positions (multiscale training offsets them). */
  atoksPositions: Int32Array;
  mtoks: Int32Array;
  /** [size, spk_width]. */
  artistEmbeddings: Float32Array;
  /** Per quantizer, what the loss divides by instead of this batch's valid targets (SM2ABatch.lossDenominators; data-parallel shards). */
  lossDenominators?: Float64Array;
}

/** The semantic-token embedding upstream loads from BN-Whisper and freezes. */
export const SM2A_SEMANTIC_EMBEDDING_KEY = "semantic_embedding.weight";

/**
 * The sm2a model in @autosing/trainer's `TrainableModel` shape (structurally): parameters with μP
 * metadata, loss over host batches with per-quantizer accuracy metrics (`acc_{i}` as upstream
 * get_metrics), frozen tensors and the JSON config — all but the loss from @autosing/nn's
 * `TrainableTfModel`.
 */
export class SM2ATrainableModel extends TrainableTfModel<"sm2a", SM2ATfModel, SM2AHostBatch> {
  constructor(config: SM2AConfig, tunables: SM2ATunables, weights: ConstructorParameters<typeof SM2ATfModel>[2], options: ConstructorParameters<typeof SM2ATfModel>[3] = {}) {
    super(SM2A_MODEL, new SM2ATfModel(config, tunables, weights, options));
  }

  /**
   * Port of SADelARTransformer.load_frozen_semantic_embeddings (WhisperSpeech
   * s2a_delar_mup_wds_mlang.py, used by autosing/sm2a.py make_model): copies BN-Whisper's
   * codebook, row-major [stoks_codes, stoks_width], into `semantic_embedding.weight`. The model
   * must be built with `frozenSemanticEmbeddings` (upstream's `lr_scale = 0`).
   */
  loadFrozenSemanticEmbeddings(values: Float32Array): void {
    const shape = [this.model.config.stoks_codes, this.model.dims.stoksWidth];
    this.assignFrozen(SM2A_SEMANTIC_EMBEDDING_KEY, values, shape, (detail) => new SM2AConfigError("stoks_codes", this.model.config.stoks_codes, detail));
  }

  loss(batch: SM2AHostBatch, options: { training: boolean }): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> } {
    const b = batch.size;
    const q = this.model.config.quantizers;
    const spk = this.model.dims.spkWidth;
    this.requireLength("stoks", batch.stoks.length, b * batch.stoksLength);
    this.requireLength("atoks", batch.atoks.length, b * q * batch.atoksLength);
    this.requireLength("atoksPositions", batch.atoksPositions.length, b * batch.atoksLength);
    this.requireLength("mtoks", batch.mtoks.length, b * q * batch.mtoksLength);
    this.requireLength("artistEmbeddings", batch.artistEmbeddings.length, b * spk);
    const result = this.model.loss(
      {
        stoks: tf.tensor2d(batch.stoks, [b, batch.stoksLength], "int32"),
        atoks: tf.tensor3d(batch.atoks, [b, q, batch.atoksLength], "int32"),
        mtoks: tf.tensor3d(batch.mtoks, [b, q, batch.mtoksLength], "int32"),
        speakers: tf.tensor2d(batch.artistEmbeddings, [b, spk]),
        atoksPositions: tf.tensor2d(batch.atoksPositions, [b, batch.atoksLength], "int32"),
        ...(batch.lossDenominators ? { lossDenominators: Array.from(batch.lossDenominators) } : {}),
      },
      { training: options.training },
    );
    // Over the given denominators when set, so that shards' accuracies weighed by rows add up too.
    const accuracy = tf.div(result.correct, batch.lossDenominators ? tf.tensor1d(Array.from(batch.lossDenominators)) : tf.maximum(result.total, 1));
    const metrics: Record<string, tf.Scalar> = {};
    tf.unstack(accuracy).forEach((value, i) => (metrics[`acc_${i}`] = value as tf.Scalar));
    return { loss: result.loss, metrics };
  }
}
