import { crossEntropy, delSumEmbed, delSumHead, initializeParameters, linear, residualAttentionBlock, TfParameters, TfRotary, tf } from "@autosing/nn";
import type { AttentionConfig, NamedVariable, ParameterSpec, StateDict } from "@autosing/nn";

import type { ArtistEmbedderConfig, ArtistEmbedderDimensions, ArtistEmbedderTunables } from "./config.js";
import { artistEmbedderDimensions } from "./config.js";
import { ArtistEmbedderInputError } from "./errors.js";
import { artistAcousticShape, artistEmbedderParameterSpecs } from "./parameters.js";

/** The encoder's outputs: the embedding of the last frame and the hidden states the AR head reads. */
export interface ArtistEmbedderForward {
  /** [B, emb_width]: `emb_proj` of the last position. */
  embedding: tf.Tensor2D;
  /** [B, T, width]: the causal encoder's output (no final LayerNorm upstream). */
  hidden: tf.Tensor3D;
}

export interface ArtistEmbedderLossResult {
  /** `class_loss_ratio · class_loss + ar_loss`: the sum upstream's training_step minimises. */
  loss: tf.Scalar;
  /** Already multiplied by `class_loss_ratio`, as upstream logs it. */
  classLoss: tf.Scalar;
  arLoss: tf.Scalar;
  /** Fraction of samples whose class argmax equals the label. */
  accuracy: tf.Scalar;
  embedding: tf.Tensor2D;
}

/**
 * Mean cross entropy of logits [B, C] against int32 labels [B] with PyTorch's label smoothing:
 * the target is (1 − ε)·one_hot + ε/C (F.cross_entropy(label_smoothing=ε)).
 */
export function labelSmoothedCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D, smoothing: number): tf.Scalar {
  const classes = logits.shape[1];
  const target = tf.add(tf.mul(tf.oneHot(tf.cast(labels, "int32"), classes), 1 - smoothing), smoothing / classes);
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), target), 1))) as tf.Scalar;
}

/** The artist Embedder in TensorFlow.js. Port of autosing/artist_embeddings.py: Embedder.forward. */
export class ArtistEmbedderTfModel {
  readonly dims: ArtistEmbedderDimensions;
  readonly specs: ParameterSpec[];
  readonly parameters: TfParameters;
  private readonly rotary: TfRotary;

  constructor(
    readonly config: ArtistEmbedderConfig,
    readonly tunables: ArtistEmbedderTunables,
    weights: StateDict | { seed: number },
  ) {
    this.dims = artistEmbedderDimensions(config, tunables);
    this.specs = artistEmbedderParameterSpecs(config, tunables);
    this.parameters = new TfParameters(this.specs, weights instanceof Map ? weights : initializeParameters(this.specs, weights.seed));
    this.rotary = new TfRotary(this.dims.headDim);
  }

  get variables(): NamedVariable[] {
    return this.parameters.variables;
  }

  private get attention(): AttentionConfig {
    return { nHead: this.config.n_head, qkScale: this.dims.qkScale, rotary: this.rotary };
  }

  /**
   * Dense acoustic tokens [B, quantizers, ctx_n] (upstream's `unflatten_snac` output, zeros where
   * SNAC has no code) → embedding and hidden states. Upstream asserts the window length.
   */
  forward(atoks: tf.Tensor3D): ArtistEmbedderForward {
    const [, q, t] = atoks.shape;
    if (q !== this.config.quantizers || t !== this.config.ctx_n) {
      throw new ArtistEmbedderInputError("atoks", `shape [${atoks.shape.join(", ")}], expected [B, ${this.config.quantizers}, ${this.config.ctx_n}] (quantizers, ctx_n)`);
    }
    const w = this.parameters.lookup;
    let x = delSumEmbed(w, "embds", artistAcousticShape(this.config, this.tunables), this.config.quantizers, tf.cast(atoks, "int32") as tf.Tensor3D);
    const positions = tf.range(0, t, 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.config.depth; i++) x = residualAttentionBlock(w, `encoder.${i}`, this.attention, x, positions, { causal: true });
    const last = tf.squeeze(tf.slice(x, [0, t - 1, 0], [-1, 1, -1]), [1]);
    return { embedding: linear(w, "emb_proj", last) as tf.Tensor2D, hidden: x };
  }

  /** Port of Embedder.classify: class logits [B, num_classes] of embeddings [B, emb_width]. */
  classify(embedding: tf.Tensor2D): tf.Tensor2D {
    return linear(this.parameters.lookup, "class_head", embedding) as tf.Tensor2D;
  }

  /** The AR head's scaled logits [B, quantizers, T, codes + 2] over the encoder's hidden states. */
  arLogits(hidden: tf.Tensor3D): tf.Tensor4D {
    const w = this.parameters.lookup;
    const logits = delSumHead(w, "ar_head", "embds.embeddings", artistAcousticShape(this.config, this.tunables), this.config.quantizers, hidden);
    return tf.mul(logits, this.dims.logitScale) as tf.Tensor4D;
  }

  /**
   * Port of Embedder.forward's losses: class cross entropy (label smoothing only in training)
   * weighted by `class_loss_ratio`, plus the mean over quantizers of the next-token cross
   * entropy of logits[:, q, :-1] against atoks[:, q, 1:] with ignore_index 0 (the zeros the
   * dense SNAC layout holds between a coarse level's codes — and, as upstream, code 0 itself).
   */
  loss(atoks: tf.Tensor3D, labels: tf.Tensor1D, options: { training?: boolean } = {}): ArtistEmbedderLossResult {
    const training = options.training ?? true;
    const [b] = atoks.shape;
    if (labels.shape[0] !== b) throw new ArtistEmbedderInputError("labels", `has ${labels.shape[0]} entries for a batch of ${b}`);
    const { embedding, hidden } = this.forward(atoks);
    const classLogits = this.classify(embedding);
    const classLoss = tf.mul(labelSmoothedCrossEntropy(classLogits, labels, training ? this.tunables.label_smoothing : 0), this.tunables.class_loss_ratio) as tf.Scalar;
    const logits = this.arLogits(hidden);
    const [, q, t, v] = logits.shape;
    let arLoss: tf.Scalar = tf.scalar(0);
    for (let i = 0; i < q; i++) {
      const predicted = tf.reshape(tf.slice(logits, [0, i, 0, 0], [b, 1, t - 1, v]), [b, t - 1, v]);
      const targets = tf.reshape(tf.slice(atoks, [0, i, 1], [b, 1, t - 1]), [b, t - 1]);
      arLoss = tf.add(arLoss, crossEntropy(predicted, targets, 0)) as tf.Scalar;
    }
    arLoss = tf.div(arLoss, q) as tf.Scalar;
    const accuracy = tf.mean(tf.cast(tf.equal(tf.argMax(classLogits, -1), tf.cast(labels, "int32")), "float32")) as tf.Scalar;
    return { loss: tf.add(classLoss, arLoss) as tf.Scalar, classLoss, arLoss, accuracy, embedding };
  }

  stateDict(): StateDict {
    return this.parameters.toStateDict();
  }

  dispose(): void {
    this.parameters.dispose();
    this.rotary.dispose();
  }
}
