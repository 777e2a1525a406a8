import {
  crossEntropy,
  delSumEmbed,
  flexEmbed,
  flexUnembed,
  initializeParameters,
  layerNorm,
  residualAttentionBlock,
  residualAttentionBlockTwoCross,
  TfParameters,
  TfRotary,
  tf,
} from "@autosing/nn";
import type { AttentionConfig, NamedVariable, ParameterSpec, StateDict } from "@autosing/nn";

import type { T2SConfig, T2SDimensions, T2STunables } from "./config.js";
import { t2sDimensions } from "./config.js";
import { T2SInputError } from "./errors.js";
import { t2sEmbeddingShapes, t2sParameterSpecs } from "./parameters.js";
import type { T2SParameterOptions } from "./parameters.js";

/**
 * One training batch, the tuple upstream's T2SDataset yields (all int32 except cps):
 * in/out text bytes [B, ttoks_len], language ids [B] (or [B, ttoks_len], one per token, as
 * upstream's `run_encoder` also accepts), characters per second [B] (float),
 * in/out semantic tokens [B, T] and `bricks` music tokens [B, quantizers, mtoks_len].
 */
export interface T2SBatch {
  inTtoks: tf.Tensor2D;
  outTtoks: tf.Tensor2D;
  languages: tf.Tensor1D | tf.Tensor2D;
  cps: tf.Tensor1D;
  inStoks: tf.Tensor2D;
  mtoks: tf.Tensor3D;
  outStoks: tf.Tensor2D;
}

export interface T2SEncoded {
  xenc: tf.Tensor3D;
  yenc: tf.Tensor3D;
  cpsEmbedding: tf.Tensor3D | null;
}

/**
 * The TM2STransformer in TensorFlow.js: forward pass and loss for training, with parameters
 * as named tfjs variables carrying μP `lrScale` / `noWeightDecay`. Port of autosing/t2s.py:
 * TM2STransformer.forward.
 */
export class T2STfModel {
  readonly dims: T2SDimensions;
  readonly specs: ParameterSpec[];
  readonly parameters: TfParameters;
  private readonly rotary: TfRotary;

  constructor(
    readonly config: T2SConfig,
    readonly tunables: T2STunables,
    weights: StateDict | { seed: number },
    options: T2SParameterOptions = {},
  ) {
    this.dims = t2sDimensions(config, tunables);
    this.specs = t2sParameterSpecs(config, tunables, options);
    const values = weights instanceof Map ? weights : initializeParameters(this.specs, weights.seed);
    this.parameters = new TfParameters(this.specs, values);
    this.rotary = new TfRotary(this.dims.headDim);
  }

  /** Trainable variables with their μP metadata (the trainer's `TrainableModel.variables`). */
  get variables(): NamedVariable[] {
    return this.parameters.variables;
  }

  private attention(rope: boolean): AttentionConfig {
    return { nHead: this.config.n_head, qkScale: this.dims.qkScale, rotary: rope ? this.rotary : null };
  }

  /** Port of TSARTransformer.run_encoder + TM2STransformer.run_music_encoder. */
  encode(inTtoks: tf.Tensor2D, languages: tf.Tensor1D | tf.Tensor2D, cps: tf.Tensor1D, mtoks: tf.Tensor3D): T2SEncoded {
    const w = this.parameters.lookup;
    const shapes = t2sEmbeddingShapes(this.config, this.tunables);
    const [b, tt] = inTtoks.shape;
    if (tt > this.config.ttoks_len) throw new T2SInputError("inTtoks", `length ${tt} exceeds ttoks_len ${this.config.ttoks_len}`);
    if (mtoks.shape[1] !== this.config.quantizers) throw new T2SInputError("mtoks", `has ${mtoks.shape[1]} streams, expected quantizers = ${this.config.quantizers}`);
    const positions = tf.range(0, tt, 1, "int32") as tf.Tensor1D;
    // Port of TSARTransformer.run_encoder: ids [B] give one embedding per row, ids [B, T] one per token.
    if (languages.rank === 2 && languages.shape[1] !== tt) throw new T2SInputError("languages", `has ${languages.shape[1]} ids per row for ${tt} text tokens; give [batch] or [batch, text] ids`);
    const lang = tf.reshape(tf.gather(w("lang_embeddings.weight"), languages), [b, languages.rank === 2 ? tt : 1, this.dims.width]);
    let x = tf.add(tf.add(flexEmbed(w, "encoder.embedding", shapes.text, inTtoks), lang), tf.gather(w("encoder.positional_embedding"), positions)) as tf.Tensor3D;
    // Upstream's text encoder is causal in training (is_causal) and in eval (the triu mask) alike.
    for (let i = 0; i < this.dims.encoderDepth; i++) {
      x = residualAttentionBlock(w, `encoder.layers.${i}`, this.attention(false), x, positions, { causal: this.tunables.causal_encoder });
    }
    const xenc = layerNorm(w, "encoder.ln_post", x) as tf.Tensor3D;
    let cpsEmbedding: tf.Tensor3D | null = null;
    if (this.tunables.cps_input) {
      // Port of TSARTransformer._embed_cps: trunc(cps / 20 · bins), clamped to the last bin.
      const bins = tf.minimum(tf.cast(tf.mul(tf.div(cps, 20), this.tunables.cps_bins), "int32"), tf.scalar(this.tunables.cps_bins - 1, "int32"));
      cpsEmbedding = tf.reshape(tf.gather(w("cps_embeddings.weight"), bins), [b, 1, this.dims.width]);
    }
    const tm = mtoks.shape[2];
    const musicPositions = tf.range(0, tm, 1, "int32") as tf.Tensor1D;
    let y = delSumEmbed(w, "music_embds", shapes.music, this.config.quantizers, mtoks);
    for (let i = 0; i < this.dims.encoderDepth; i++) {
      y = residualAttentionBlock(w, `music_encoder.${i}`, this.attention(true), y, musicPositions);
    }
    const yenc = layerNorm(w, "ln_post_music", y) as tf.Tensor3D;
    return { xenc, yenc, cpsEmbedding };
  }

  /** Decoder over semantic tokens [B, T] at positions [T] → scaled logits [B, T, stoks_codes + 1]. */
  decode(inStoks: tf.Tensor2D, positions: tf.Tensor1D, encoded: T2SEncoded): tf.Tensor3D {
    const w = this.parameters.lookup;
    const shapes = t2sEmbeddingShapes(this.config, this.tunables);
    let x = tf.add(flexEmbed(w, "embeddings.embedding", shapes.semantic, inStoks), tf.gather(w("embeddings.positional_embedding"), positions)) as tf.Tensor3D;
    if (encoded.cpsEmbedding) x = tf.add(x, encoded.cpsEmbedding);
    const textPositions = tf.range(0, encoded.xenc.shape[1], 1, "int32") as tf.Tensor1D;
    const musicPositions = tf.range(0, encoded.yenc.shape[1], 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.decoderDepth; i++) {
      x = residualAttentionBlockTwoCross(
        w,
        `decoder.layers.${i}`,
        this.attention(true),
        x,
        positions,
        { x: encoded.xenc, positions: textPositions },
        { x: encoded.yenc, positions: musicPositions },
        { causal: true },
      );
    }
    x = layerNorm(w, "decoder.ln_post", x) as tf.Tensor3D;
    return tf.mul(flexUnembed(w, "embeddings.embedding", shapes.semantic, x), this.dims.logitScale) as tf.Tensor3D;
  }

  /** Full forward over a batch: logits [B, T, stoks_codes + 1]. */
  forward(batch: Omit<T2SBatch, "outTtoks" | "outStoks">): tf.Tensor3D {
    const encoded = this.encode(batch.inTtoks, batch.languages, batch.cps, batch.mtoks);
    const positions = tf.range(0, batch.inStoks.shape[1], 1, "int32") as tf.Tensor1D;
    return this.decode(batch.inStoks, positions, encoded);
  }

  /**
   * Port of TM2STransformer.forward's loss: cross entropy of the semantic logits, plus (when
   * training with the causal encoder) 0.1 × the text encoder's next-byte cross entropy.
   */
  loss(batch: T2SBatch, options: { training?: boolean } = {}): tf.Scalar {
    const training = options.training ?? true;
    const encoded = this.encode(batch.inTtoks, batch.languages, batch.cps, batch.mtoks);
    const positions = tf.range(0, batch.inStoks.shape[1], 1, "int32") as tf.Tensor1D;
    const logits = this.decode(batch.inStoks, positions, encoded);
    let loss = crossEntropy(logits, batch.outStoks);
    if (training && this.tunables.causal_encoder) {
      const shapes = t2sEmbeddingShapes(this.config, this.tunables);
      const encLogits = tf.mul(flexUnembed(this.parameters.lookup, "encoder.embedding", shapes.text, encoded.xenc), this.dims.logitScale);
      loss = tf.add(loss, tf.mul(crossEntropy(encLogits, batch.outTtoks), 0.1)) as tf.Scalar;
    }
    return loss;
  }

  /** Current weights under canonical names (see `expandAliases` for the full upstream dict). */
  stateDict(): StateDict {
    return this.parameters.toStateDict();
  }

  dispose(): void {
    this.parameters.dispose();
    this.rotary.dispose();
  }
}
