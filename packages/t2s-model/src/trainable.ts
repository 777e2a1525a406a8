import { tf, TrainableTfModel } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { T2SConfigError, T2SInputError } from "./errors.js";
import { T2S_MODEL } from "./model-definition.js";
import { T2STfModel } from "./tf-model.js";

/** A collated batch in host memory, row-major (the trainer's t2s batch layout). */
export interface T2SHostBatch {
  size: number;
  ttoksLength: number;
  stoksLength: number;
  mtoksLength: number;
  inTtoks: Int32Array;
  outTtoks: Int32Array;
  /** [size] one language per row (what the trainer's dataset yields), or [size, ttoksLength] one per token. */
  languages: Int32Array;
  cps: Float32Array;
  inStoks: Int32Array;
  outStoks: Int32Array;
  /** [size, quantizers, mtoksLength]. */
  mtoks: Int32Array;
}

/** The semantic-token embedding upstream loads from BN-Whisper and freezes. */
export const T2S_SEMANTIC_EMBEDDING_KEY = "embeddings.embedding.main.weight";

/**
 * The t2s model in the shape @autosing/trainer's `TrainableModel` expects (structurally, so this
 * package does not depend on the trainer): named parameters with μP metadata, a loss over
 * host-memory batches, the frozen tensors and buffers to save, and the JSON config — all but the
 * loss from @autosing/nn's `TrainableTfModel`.
 */
export class T2STrainableModel extends TrainableTfModel<"t2s", T2STfModel, T2SHostBatch> {
  constructor(config: T2SConfig, tunables: T2STunables, weights: ConstructorParameters<typeof T2STfModel>[2], options: ConstructorParameters<typeof T2STfModel>[3] = {}) {
    super(T2S_MODEL, new T2STfModel(config, tunables, weights, options));
  }

  /**
   * Port of TSARTransformer.load_frozen_semantic_embeddings (WhisperSpeech
   * t2s_up_wds_mlang_enclm.py, FlexEmbeddings.set_frozen_embeddings): copies BN-Whisper's
   * codebook, row-major [stoks_codes, stoks_width], into `embeddings.embedding.main.weight`.
   * The model must be built with `frozenSemanticEmbeddings` (upstream's `lr_scale = 0`), so
   * training never changes it.
   */
  loadFrozenSemanticEmbeddings(values: Float32Array): void {
    this.assignFrozen(T2S_SEMANTIC_EMBEDDING_KEY, values, [this.model.config.stoks_codes, this.model.dims.stoksWidth], (detail) => new T2SConfigError("stoks_codes", this.model.config.stoks_codes, detail));
  }

  loss(batch: T2SHostBatch, options: { training: boolean }): { loss: tf.Scalar } {
    const b = batch.size;
    const q = this.model.config.quantizers;
    this.requireLength("inTtoks", batch.inTtoks.length, b * batch.ttoksLength);
    this.requireLength("outTtoks", batch.outTtoks.length, b * batch.ttoksLength);
    this.requireLength("inStoks", batch.inStoks.length, b * batch.stoksLength);
    this.requireLength("outStoks", batch.outStoks.length, b * batch.stoksLength);
    this.requireLength("mtoks", batch.mtoks.length, b * q * batch.mtoksLength);
    const perToken = batch.languages.length === b * batch.ttoksLength && batch.languages.length !== b;
    if (!perToken && batch.languages.length !== b) {
      throw new T2SInputError("languages", `has ${batch.languages.length} values, expected ${b} (one per row) or ${b * batch.ttoksLength} (one per token)`);
    }
    const loss = this.model.loss(
      {
        inTtoks: tf.tensor2d(batch.inTtoks, [b, batch.ttoksLength], "int32"),
        outTtoks: tf.tensor2d(batch.outTtoks, [b, batch.ttoksLength], "int32"),
        languages: perToken ? tf.tensor2d(batch.languages, [b, batch.ttoksLength], "int32") : tf.tensor1d(batch.languages, "int32"),
        cps: tf.tensor1d(batch.cps, "float32"),
        inStoks: tf.tensor2d(batch.inStoks, [b, batch.stoksLength], "int32"),
        outStoks: tf.tensor2d(batch.outStoks, [b, batch.stoksLength], "int32"),
        mtoks: tf.tensor3d(batch.mtoks, [b, q, batch.mtoksLength], "int32"),
      },
      { training: options.training },
    );
    return { loss };
  }
}
