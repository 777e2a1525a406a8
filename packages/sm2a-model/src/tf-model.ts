import {
  crossEntropy,
  delSumEmbed,
  delSumHead,
  initializeParameters,
  layerNorm,
  linear,
  residualAttentionBlock,
  residualAttentionBlockTwoCross,
  TfParameters,
  TfRotary,
  tf,
} from "@autosing/nn";
import type { AttentionConfig, NamedVariable, ParameterSpec, StateDict } from "@autosing/nn";

import type { SM2AConfig, SM2ADimensions, SM2ATunables } from "./config.js";
import { sm2aDimensions } from "./config.js";
import { SM2AInputError } from "./errors.js";
import { sm2aAcousticShape, sm2aParameterSpecs } from "./parameters.js";
import type { SM2AParameterOptions } from "./parameters.js";

/**
 * One training batch, the tuple upstream's SM2ADataset yields: semantic tokens [B, stoks_len],
 * patterned acoustic tokens [B, Q, T], `bricks` music tokens [B, Q, mtoks_len], artist
 * embeddings [B, spk_width] and the acoustic positions [T] (multiscale training shifts them).
 */
export interface SM2ABatch {
  stoks: tf.Tensor2D;
  atoks: tf.Tensor3D;
  mtoks: tf.Tensor3D;
  speakers: tf.Tensor2D;
  /** [T] shared by the batch, or [B, T] per sample. */
  atoksPositions?: tf.Tensor1D | tf.Tensor2D;
}

export interface SM2AEncoded {
  xenc: tf.Tensor3D;
  yenc: tf.Tensor3D;
}

export interface SM2ALossResult {
  loss: tf.Scalar;
  /** Per quantizer: correct argmax predictions and valid (non-pad) targets, as upstream val_true/val_total. */
  correct: tf.Tensor1D;
  total: tf.Tensor1D;
}

/** The SM2ATransformer in TensorFlow.js. Port of autosing/sm2a.py: SM2ATransformer.forward. */
export class SM2ATfModel {
  readonly dims: SM2ADimensions;
  readonly specs: ParameterSpec[];
  readonly parameters: TfParameters;
  private readonly rotary: TfRotary;

  constructor(
    readonly config: SM2AConfig,
    readonly tunables: SM2ATunables,
    weights: StateDict | { seed: number },
    options: SM2AParameterOptions = {},
  ) {
    this.dims = sm2aDimensions(config, tunables);
    this.specs = sm2aParameterSpecs(config, tunables, options);
    this.parameters = new TfParameters(this.specs, weights instanceof Map ? weights : initializeParameters(this.specs, weights.seed));
    this.rotary = new TfRotary(this.dims.headDim);
  }

  get variables(): NamedVariable[] {
    return this.parameters.variables;
  }

  private get attention(): AttentionConfig {
    return { nHead: this.config.n_head, qkScale: this.dims.qkScale, rotary: this.rotary };
  }

  /** Port of SADelARTransformer.run_encoder + SM2ATransformer.run_music_encoder. */
  encode(stoks: tf.Tensor2D, speakers: tf.Tensor2D, mtoks: tf.Tensor3D): SM2AEncoded {
    const w = this.parameters.lookup;
    const [b, ts] = stoks.shape;
    if (speakers.shape[1] !== this.dims.spkWidth) throw new SM2AInputError("speakers", `width ${speakers.shape[1]}, expected spk_width ${this.dims.spkWidth}`);
    let x = tf.gather(w("semantic_embedding.weight"), stoks) as tf.Tensor3D;
    if (this.dims.stoksWidth !== this.dims.width) x = linear(w, "emb_to_hidden", x) as tf.Tensor3D;
    const positions = tf.range(0, ts, 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.encoderDepth; i++) x = residualAttentionBlock(w, `encoder.${i}`, this.attention, x, positions);
    x = layerNorm(w, "ln_post", x) as tf.Tensor3D;
    // F.normalize(speakers, dim=-1): x / max(‖x‖, 1e-12).
    let spk: tf.Tensor = tf.div(speakers, tf.maximum(tf.norm(speakers, "euclidean", -1, true), 1e-12));
    if (this.dims.spkWidth !== this.dims.width) spk = linear(w, "spk_to_hidden", spk);
    const xenc = tf.add(x, tf.reshape(spk, [b, 1, this.dims.width])) as tf.Tensor3D;
    const shape = sm2aAcousticShape(this.config, this.tunables);
    let y = delSumEmbed(w, "embds", shape, this.config.quantizers, mtoks);
    const musicPositions = tf.range(0, mtoks.shape[2], 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.musicEncoderDepth; i++) y = residualAttentionBlock(w, `music_encoder.${i}`, this.attention, y, musicPositions);
    return { xenc, yenc: layerNorm(w, "ln_post_music", y) as tf.Tensor3D };
  }

  /** Decoder over acoustic tokens [B, Q, T] at positions [T] → scaled logits [B, Q, T, codes + 2]. */
  decode(atoks: tf.Tensor3D, positions: tf.Tensor1D | tf.Tensor2D, encoded: SM2AEncoded): tf.Tensor4D {
    const w = this.parameters.lookup;
    const shape = sm2aAcousticShape(this.config, this.tunables);
    let x = delSumEmbed(w, "embds", shape, this.config.quantizers, atoks);
    const textPositions = tf.range(0, encoded.xenc.shape[1], 1, "int32") as tf.Tensor1D;
    const musicPositions = tf.range(0, encoded.yenc.shape[1], 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.decoderDepth; i++) {
      x = residualAttentionBlockTwoCross(
        w,
        `decoder.layers.${i}`,
        this.attention,
        x,
        positions,
        { x: encoded.xenc, positions: textPositions, keySubsampling: this.config.enc_subsample },
        { x: encoded.yenc, positions: musicPositions },
        { causal: true },
      );
    }
    x = layerNorm(w, "decoder.ln_post", x) as tf.Tensor3D;
    return tf.mul(delSumHead(w, "head", "embds.embeddings", shape, this.config.quantizers, x), this.dims.logitScale) as tf.Tensor4D;
  }

  forward(batch: SM2ABatch): tf.Tensor4D {
    const encoded = this.encode(batch.stoks, batch.speakers, batch.mtoks);
    const positions = batch.atoksPositions ?? (tf.range(0, batch.atoks.shape[2], 1, "int32") as tf.Tensor1D);
    return this.decode(batch.atoks, positions, encoded);
  }

  /**
   * Port of SM2ATransformer.forward's loss: per quantizer cross entropy of logits[:, q, :-1]
   * against atoks[:, q, 1:] ignoring the pad code, q0 weighted by `q0_loss_mult` in training and
   * the sum divided by quantizers (+ q0_loss_mult − 1 in training); plus the per-quantizer
   * validation accuracy counts.
   */
  loss(batch: SM2ABatch, options: { training?: boolean } = {}): SM2ALossResult {
    const training = options.training ?? true;
    const logits = this.forward(batch);
    const [b, q, t, v] = logits.shape;
    let total: tf.Scalar = tf.scalar(0);
    const correct: tf.Scalar[] = [];
    const valid: tf.Scalar[] = [];
    for (let i = 0; i < q; i++) {
      const predicted = tf.reshape(tf.slice(logits, [0, i, 0, 0], [b, 1, t - 1, v]), [b, t - 1, v]);
      const targets = tf.reshape(tf.slice(batch.atoks, [0, i, 1], [b, 1, t - 1]), [b, t - 1]);
      let part = crossEntropy(predicted, targets, this.config.codes);
      if (training && i === 0) part = tf.mul(part, this.tunables.q0_loss_mult) as tf.Scalar;
      total = tf.add(total, part) as tf.Scalar;
      const mask = tf.cast(tf.notEqual(targets, tf.scalar(this.config.codes, "int32")), "float32");
      correct.push(tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(predicted, -1), targets), "float32"), mask)) as tf.Scalar);
      valid.push(tf.sum(mask) as tf.Scalar);
    }
    const denominator = q + (training ? this.tunables.q0_loss_mult - 1 : 0);
    return { loss: tf.div(total, denominator) as tf.Scalar, correct: tf.stack(correct) as tf.Tensor1D, total: tf.stack(valid) as tf.Tensor1D };
  }

  stateDict(): StateDict {
    return this.parameters.toStateDict();
  }

  dispose(): void {
    this.parameters.dispose();
    this.rotary.dispose();
  }
}
