import { unflattenSnac } from "@autosing/audio-codec";
import { tf, TrainableTfModel } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { ArtistEmbedderInputError } from "./errors.js";
import { ARTIST_EMBEDDER_MODEL } from "./model-definition.js";
import { ArtistEmbedderTfModel } from "./tf-model.js";

/** A collated batch in host memory, row-major (what upstream's EmbeddingDataset yields, stacked). */
export interface ArtistEmbedderHostBatch {
  size: number;
  /**
   * SNAC windows: flattened `[size, 15, ctx_n / 8]` (upstream's training layout, `flatten_snac`)
   * or, with `flattened: false`, dense `[size, quantizers, ctx_n]`.
   */
  atoks: Int32Array;
  /** Default true, as upstream Embedder.forward's `flattened=True`. */
  flattened?: boolean;
  /** Artist class ids [size] (the collect_artists numbering). */
  labels: Int32Array;
}

/**
 * The artist embedder in @autosing/trainer's `TrainableModel` shape (structurally): parameters
 * with μP metadata (all but `class_head` frozen when `finetune`), the summed loss with
 * `class_loss`/`ar_loss` metrics and, in validation, `accuracy`, as upstream's metrics dict;
 * all but the loss from @autosing/nn's `TrainableTfModel`.
 */
export class ArtistEmbedderTrainableModel extends TrainableTfModel<"artist_emb", ArtistEmbedderTfModel, ArtistEmbedderHostBatch> {
  constructor(config: ArtistEmbedderConfig, tunables: ArtistEmbedderTunables, weights: ConstructorParameters<typeof ArtistEmbedderTfModel>[2]) {
    super(ARTIST_EMBEDDER_MODEL, new ArtistEmbedderTfModel(config, tunables, weights));
  }

  /** Dense `[size, quantizers, ctx_n]` tokens of a host batch (unflattening on the host). */
  denseTokens(batch: ArtistEmbedderHostBatch): Int32Array {
    const { quantizers, ctx_n: t } = this.model.config;
    const b = batch.size;
    if (batch.flattened ?? true) {
      if (quantizers !== 4 || t % 8 !== 0) throw new ArtistEmbedderInputError("atoks", `the flattened SNAC layout needs quantizers 4 and ctx_n a multiple of 8 (have ${quantizers}, ${t})`);
      if (batch.atoks.length !== b * 15 * (t / 8)) throw new ArtistEmbedderInputError("atoks", `has ${batch.atoks.length} values, expected ${b} × 15 × ${t / 8} (flattened)`);
      return unflattenSnac({ data: batch.atoks, shape: [b, 15, t / 8] }).data;
    }
    if (batch.atoks.length !== b * quantizers * t) throw new ArtistEmbedderInputError("atoks", `has ${batch.atoks.length} values, expected ${b} × ${quantizers} × ${t} (dense)`);
    return batch.atoks;
  }

  loss(batch: ArtistEmbedderHostBatch, options: { training: boolean }): { loss: tf.Scalar; metrics: Record<string, tf.Scalar> } {
    const b = batch.size;
    if (batch.labels.length !== b) throw new ArtistEmbedderInputError("labels", `has ${batch.labels.length} values, expected ${b}`);
    for (const label of batch.labels) {
      if (label < 0 || label >= this.model.config.num_classes) throw new ArtistEmbedderInputError("labels", `class ${label} is outside [0, ${this.model.config.num_classes})`);
    }
    const atoks = tf.tensor3d(this.denseTokens(batch), [b, this.model.config.quantizers, this.model.config.ctx_n], "int32");
    const result = this.model.loss(atoks, tf.tensor1d(batch.labels, "int32"), { training: options.training });
    const metrics: Record<string, tf.Scalar> = { class_loss: result.classLoss, ar_loss: result.arLoss };
    if (!options.training) metrics.accuracy = result.accuracy;
    return { loss: result.loss, metrics };
  }
}
