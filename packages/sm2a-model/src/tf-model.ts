import {
  crossEntropy,
  delSumEmbed,
  delSumHead,
  delSumHeadCrossEntropy,
  gradientCheckpoint,
  initializeParameters,
  layerNorm,
  linear,
  residualAttentionBlock,
  residualAttentionBlockTwoCross,
  TfParameters,
  TfRotary,
  tf,
} from "@autosing/nn";
import type { AttentionConfig, NamedVariable, ParameterSpec, StateDict, UnembedLossResult } from "@autosing/nn";

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
  /**
   * Per quantizer, what its summed cross entropy is divided by instead of this batch's own count
   * of valid targets (and what accuracy counts are over). Data parallelism gives each shard the
   * whole batch's count scaled by the shard's share of rows, so that the shards' losses, weighed
   * by rows, add up to the whole batch's loss exactly (see @autosing/trainer's splitSM2ABatch).
   */
  lossDenominators?: readonly number[];
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

/**
 * Acoustic rows (batch × steps) above which the memory-efficient loss checkpoints the decoder
 * layers (recomputes each in the backward pass instead of keeping its intermediates). Below it the
 * kept intermediates are small (a 320-step multiscale window at batch 3: a few hundred MiB) and
 * recomputing the decoder's forward would cost about a sixth of the step; above it (full 15 s rows
 * of 1280 steps) they would not fit the wasm backend's 4 GiB heap beside the rest. Same values.
 */
export const SM2A_CHECKPOINT_ROWS = 1024;

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
    // causal_music_encoder: music has its own tables (`music_embds`) and a causal encoder.
    const causalMusic = this.tunables.causal_music_encoder;
    let y = delSumEmbed(w, causalMusic ? "music_embds" : "embds", shape, this.config.quantizers, mtoks);
    const musicPositions = tf.range(0, mtoks.shape[2], 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.musicEncoderDepth; i++) y = residualAttentionBlock(w, `music_encoder.${i}`, this.attention, y, musicPositions, { causal: causalMusic });
    return { xenc, yenc: layerNorm(w, "ln_post_music", y) as tf.Tensor3D };
  }

  /** Decoder over acoustic tokens [B, Q, T] at positions [T] → scaled logits [B, Q, T, codes + 2]. */
  decode(atoks: tf.Tensor3D, positions: tf.Tensor1D | tf.Tensor2D, encoded: SM2AEncoded): tf.Tensor4D {
    const x = this.decodeHidden(atoks, positions, encoded);
    const shape = sm2aAcousticShape(this.config, this.tunables);
    return tf.mul(delSumHead(this.parameters.lookup, "head", "embds.embeddings", shape, this.config.quantizers, x), this.dims.logitScale) as tf.Tensor4D;
  }

  /**
   * The decoder up to `decoder.ln_post`: hidden states [B, T, W] before the head. `checkpoint`
   * recomputes each layer in the backward pass instead of keeping its intermediates (see
   * gradientCheckpoint in @autosing/nn): same values, a fraction of the training memory.
   */
  decodeHidden(atoks: tf.Tensor3D, positions: tf.Tensor1D | tf.Tensor2D, encoded: SM2AEncoded, options: { checkpoint?: boolean } = {}): tf.Tensor3D {
    const w = this.parameters.lookup;
    const shape = sm2aAcousticShape(this.config, this.tunables);
    let x = delSumEmbed(w, "embds", shape, this.config.quantizers, atoks);
    const textPositions = tf.range(0, encoded.xenc.shape[1], 1, "int32") as tf.Tensor1D;
    const musicPositions = tf.range(0, encoded.yenc.shape[1], 1, "int32") as tf.Tensor1D;
    for (let i = 0; i < this.dims.decoderDepth; i++) {
      const prefix = `decoder.layers.${i}`;
      const layer = (lookup: typeof w, [h, xenc, yenc, queryPositions, textKeys, musicKeys]: tf.Tensor[]): tf.Tensor3D =>
        residualAttentionBlockTwoCross(
          lookup,
          prefix,
          this.attention,
          h as tf.Tensor3D,
          queryPositions as tf.Tensor1D | tf.Tensor2D,
          { x: xenc as tf.Tensor3D, positions: textKeys as tf.Tensor1D, keySubsampling: this.config.enc_subsample },
          { x: yenc as tf.Tensor3D, positions: musicKeys as tf.Tensor1D },
          { causal: true },
        );
      // Positions are inputs too: a checkpointed layer recomputes from its inputs after the
      // forward pass has disposed everything else it made.
      const inputs = [x, encoded.xenc, encoded.yenc, positions, textPositions, musicPositions];
      x = options.checkpoint ? gradientCheckpoint(w, this.parameterNames(`${prefix}.`), inputs, layer) : layer(w, inputs);
    }
    return layerNorm(w, "decoder.ln_post", x) as tf.Tensor3D;
  }

  private parameterNames(prefix: string): string[] {
    return this.specs.filter((spec) => spec.name.startsWith(prefix)).map((spec) => spec.name);
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
   *
   * By default memory-efficient: decoder layers are checkpointed (when the batch holds more than
   * SM2A_CHECKPOINT_ROWS acoustic rows, or as `checkpoint` says) and the head's logits are never
   * materialised (delSumHeadCrossEntropy), which is what lets a full 15 s `bricks_unrolled` row
   * train within the wasm backend's 4 GiB heap. `memoryEfficient: false` is the straightforward
   * graph (full logits, plain autograd), kept as the reference the efficient one is tested against.
   */
  loss(batch: SM2ABatch, options: { training?: boolean; memoryEfficient?: boolean; checkpoint?: boolean } = {}): SM2ALossResult {
    const training = options.training ?? true;
    const q = this.config.quantizers;
    if (batch.lossDenominators && batch.lossDenominators.length !== q) throw new SM2AInputError("lossDenominators", `${batch.lossDenominators.length} values, expected one per quantizer (${q})`);
    const memoryEfficient = options.memoryEfficient !== false;
    const encoded = this.encode(batch.stoks, batch.speakers, batch.mtoks);
    const [b, , t] = batch.atoks.shape;
    const checkpoint = options.checkpoint ?? b * t > SM2A_CHECKPOINT_ROWS;
    const parts = memoryEfficient ? this.efficientLossParts(batch, encoded, checkpoint) : this.plainLossParts(batch, encoded);
    let total: tf.Scalar = tf.scalar(0);
    parts.forEach((part, i) => {
      const weighted = training && i === 0 ? (tf.mul(part.loss, this.tunables.q0_loss_mult) as tf.Scalar) : part.loss;
      total = tf.add(total, weighted) as tf.Scalar;
    });
    const denominator = q + (training ? this.tunables.q0_loss_mult - 1 : 0);
    let loss = tf.div(total, denominator) as tf.Scalar;
    if (training && this.tunables.causal_music_encoder) loss = tf.add(loss, this.musicEncoderLoss(encoded.yenc, batch.mtoks, { memoryEfficient })) as tf.Scalar;
    return {
      loss,
      correct: tf.stack(parts.map((p) => p.correct)) as tf.Tensor1D,
      total: tf.stack(parts.map((p) => p.valid)) as tf.Tensor1D,
    };
  }

  /** Per quantizer loss and counts through checkpointed decoder layers and the fused head loss. */
  private efficientLossParts(batch: SM2ABatch, encoded: SM2AEncoded, checkpoint: boolean): UnembedLossResult[] {
    const positions = batch.atoksPositions ?? (tf.range(0, batch.atoks.shape[2], 1, "int32") as tf.Tensor1D);
    const hidden = this.decodeHidden(batch.atoks, positions, encoded, { checkpoint });
    const [b, t, width] = hidden.shape;
    const [, q] = batch.atoks.shape;
    const predicting = tf.slice(hidden, [0, 0, 0], [b, t - 1, width]) as tf.Tensor3D;
    const targets = tf.slice(batch.atoks, [0, 0, 1], [b, q, t - 1]) as tf.Tensor3D;
    const shape = sm2aAcousticShape(this.config, this.tunables);
    return delSumHeadCrossEntropy(this.parameters.lookup, "head", "embds.embeddings", shape, q, predicting, targets, {
      scale: this.dims.logitScale,
      ignoreIndex: this.config.codes,
      ...(batch.lossDenominators ? { denominators: batch.lossDenominators } : {}),
    });
  }

  /** The same from the full logits [B, Q, T, V]. */
  private plainLossParts(batch: SM2ABatch, encoded: SM2AEncoded): UnembedLossResult[] {
    const positions = batch.atoksPositions ?? (tf.range(0, batch.atoks.shape[2], 1, "int32") as tf.Tensor1D);
    const logits = this.decode(batch.atoks, positions, encoded);
    const [b, q, t, v] = logits.shape;
    return Array.from({ length: q }, (_, i) => {
      const predicted = tf.reshape(tf.slice(logits, [0, i, 0, 0], [b, 1, t - 1, v]), [b, t - 1, v]);
      const targets = tf.reshape(tf.slice(batch.atoks, [0, i, 1], [b, 1, t - 1]), [b, t - 1]);
      const mask = tf.cast(tf.notEqual(targets, tf.scalar(this.config.codes, "int32")), "float32");
      const mean = crossEntropy(predicted, targets, this.config.codes);
      const denominator = batch.lossDenominators?.[i];
      return {
        // crossEntropy is the mean over valid targets: back to the sum, then over the given denominator.
        loss: denominator === undefined ? mean : (tf.div(tf.mul(mean, tf.maximum(tf.sum(mask), 1)), denominator) as tf.Scalar),
        correct: tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(predicted, -1), targets), "float32"), mask)) as tf.Scalar,
        valid: tf.sum(mask) as tf.Scalar,
      };
    });
  }

  /**
   * Port of SM2ATransformer.forward's causal music encoder term (training only): `music_head`
   * over the music encoder output, unembedded by the `music_embds` tables and scaled like the
   * acoustic logits, predicts the next music token of every stream; Σ_q CE(music_logits[:, q,
   * :-1], mtoks[:, q, 1:], ignoring the pad code) / quantizers.
   */
  musicEncoderLoss(yenc: tf.Tensor3D, mtoks: tf.Tensor3D, options: { memoryEfficient?: boolean } = {}): tf.Scalar {
    if (!this.tunables.causal_music_encoder) throw new SM2AInputError("musicEncoderLoss", "needs tunables.causal_music_encoder (the model has no music_head otherwise)");
    const [b, t, width] = yenc.shape;
    const q = this.config.quantizers;
    const shape = sm2aAcousticShape(this.config, this.tunables);
    const predicting = tf.slice(yenc, [0, 0, 0], [b, t - 1, width]) as tf.Tensor3D;
    const targets = tf.slice(mtoks, [0, 0, 1], [b, q, t - 1]) as tf.Tensor3D;
    let parts: tf.Scalar[];
    if (options.memoryEfficient === false) {
      const logits = tf.mul(delSumHead(this.parameters.lookup, "music_head", "music_embds.embeddings", shape, q, predicting), this.dims.logitScale);
      const streamTargets = tf.unstack(targets, 1);
      parts = tf.unstack(logits, 1).map((streamLogits, i) => crossEntropy(streamLogits, streamTargets[i] as tf.Tensor, this.config.codes));
    } else {
      parts = delSumHeadCrossEntropy(this.parameters.lookup, "music_head", "music_embds.embeddings", shape, q, predicting, targets, {
        scale: this.dims.logitScale,
        ignoreIndex: this.config.codes,
      }).map((part) => part.loss);
    }
    return tf.div(tf.addN(parts), q) as tf.Scalar;
  }

  stateDict(): StateDict {
    return this.parameters.toStateDict();
  }

  dispose(): void {
    this.parameters.dispose();
    this.rotary.dispose();
  }
}
