import * as tf from "@tensorflow/tfjs-core";

import type { FlexEmbeddingsShape, WeightLookup } from "./blocks.js";
import { gelu, linear } from "./blocks.js";
import { isRecordingGradients } from "./gradient-checkpoint.js";
import { nativeUnembedLoss } from "./native-unembed-loss.js";
import { activeNativeMatMul } from "./wasm-matmul.js";

/** Sum of the loss over valid rows, and counts, as one tensor so that one custom op returns them. */
export interface UnembedLossResult {
  /** Mean cross entropy over rows whose target is not `ignoreIndex` (0 when none is). */
  loss: tf.Scalar;
  /** Valid rows whose argmax logit is the target. */
  correct: tf.Scalar;
  /** Rows whose target is not `ignoreIndex`. */
  valid: tf.Scalar;
}

export interface UnembedLossOptions {
  /** Multiplies every logit (μP's output scale). Default 1. */
  scale?: number;
  /** Target that counts neither in the loss nor in the accuracy. */
  ignoreIndex?: number;
  /** Rows of logits materialised at a time (default: about 16 MiB of logits; 64 MiB, outside the wasm heap, on the native path). */
  chunkRows?: number;
  /**
   * What the summed loss is divided by instead of the rows whose target is not `ignoreIndex`
   * (data parallelism: the whole batch's count, scaled to the shard, so that the shards' losses
   * add up to the batch's). `valid` still counts this call's rows.
   */
  denominator?: number;
}

/** Options of `delSumHeadCrossEntropy`: `denominators` per quantizer instead of one. */
export interface DelSumHeadLossOptions extends Omit<UnembedLossOptions, "denominator"> {
  denominators?: readonly number[];
}

export interface UnembedLossInputs {
  /** [N, Wm] rows dotted with `main`. */
  x: tf.Tensor2D;
  /** [Vm, Wm]. */
  main: tf.Tensor2D;
  /** [Vs, Ws] special-code rows, their logits concatenated after main's. */
  special?: tf.Tensor2D;
  /** [N, Ws] rows dotted with `special` when they differ from `x` (FlexEmbeddings with a projection). */
  xSpecial?: tf.Tensor2D;
}

const DEFAULT_CHUNK_BYTES = 16 * 2 ** 20;

/**
 * Cross entropy of logits = scale · [x·mainᵀ ‖ xSpecial·specialᵀ] against int32 targets [N],
 * without ever holding all N × V logits (with 4098 codes, 8 quantizers and a 15 s row they are
 * hundreds of MB per copy, and autograd keeps several copies plus their gradients). Rows are
 * processed in chunks; when a gradient is being recorded the chunk's gradients with respect to
 * the inputs are computed in the same pass (the loss is the end of the graph, so they only wait
 * to be scaled by the incoming dy), which costs the same products as autograd's backward and no
 * recomputation. Same values as `crossEntropy(logits, targets, ignoreIndex)` over the full logits.
 * On wasm with onnxruntime's GEMM in use (`selectTfBackend`), the chunks run as one native graph
 * each (`nativeUnembedLoss`): the same values within float rounding, on all cores.
 */
export function unembedCrossEntropy(inputs: UnembedLossInputs, targets: tf.Tensor1D, options: UnembedLossOptions = {}): UnembedLossResult {
  const { x, main } = inputs;
  const special = inputs.special;
  const separateSpecial = special !== undefined && inputs.xSpecial !== undefined;
  const scale = options.scale ?? 1;
  const [rows] = x.shape;
  const vocabMain = main.shape[0];
  const vocab = vocabMain + (special?.shape[0] ?? 0);
  const chunkRows = Math.max(1, options.chunkRows ?? Math.floor(DEFAULT_CHUNK_BYTES / (4 * vocab)));
  const tensors: tf.Tensor[] = [x, main];
  if (special) tensors.push(special);
  if (separateSpecial) tensors.push(inputs.xSpecial as tf.Tensor2D);

  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [cx, cMain, cSpecial, cxSpecial] = [args[0], args[1], special ? args[2] : undefined, separateSpecial ? args[3] : undefined] as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D | undefined,
      tf.Tensor2D | undefined,
    ];
    const withGradients = isRecordingGradients();
    const validMask = options.ignoreIndex === undefined ? tf.onesLike(targets).asType("float32") : tf.cast(tf.notEqual(targets, tf.scalar(options.ignoreIndex, "int32")), "float32");
    const valid = tf.sum(validMask) as tf.Scalar;
    // d(mean loss)/d(logit) = (softmax − onehot) · valid / count, times `scale` for the inputs.
    const denominator = options.denominator === undefined ? tf.maximum(valid, 1) : tf.scalar(options.denominator);
    const gradientScale = tf.div(scale, denominator) as tf.Scalar;
    let lossSum: tf.Tensor = tf.scalar(0);
    let correct: tf.Tensor = tf.scalar(0);
    let gradMain: tf.Tensor | null = null;
    let gradSpecial: tf.Tensor | null = null;
    const gradX: tf.Tensor[] = [];
    const gradXSpecial: tf.Tensor[] = [];
    // On wasm with onnxruntime's GEMM in use, the whole loss runs as one native graph per chunk.
    const engine = targets.dtype === "int32" ? activeNativeMatMul() : undefined;
    if (engine) {
      const native = nativeUnembedLoss(
        engine,
        { x: cx, main: cMain, special: cSpecial, xSpecial: cxSpecial, targets, validMask: validMask as tf.Tensor1D },
        scale,
        withGradients ? (gradientScale.dataSync()[0] as number) : undefined,
        options.chunkRows,
      );
      tf.dispose([lossSum, correct]);
      lossSum = tf.scalar(native.lossSum);
      correct = tf.scalar(native.correct);
      gradMain = native.gradMain ?? null;
      gradSpecial = native.gradSpecial ?? null;
      if (native.gradX) gradX.push(native.gradX);
      if (native.gradXSpecial) gradXSpecial.push(native.gradXSpecial);
    }
    for (let start = 0; !engine && start < rows; start += chunkRows) {
      const size = Math.min(chunkRows, rows - start);
      const step = tf.tidy(() => {
        const xc = tf.slice(cx, [start, 0], [size, -1]);
        const xsc = cxSpecial ? tf.slice(cxSpecial, [start, 0], [size, -1]) : xc;
        const tc = tf.slice(targets, [start], [size]);
        const vc = tf.slice(validMask, [start], [size]);
        const parts = [tf.matMul(xc, cMain, false, true)];
        if (cSpecial) parts.push(tf.matMul(xsc, cSpecial, false, true));
        const logits = tf.mul(parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 1), scale);
        const logSumExp = tf.logSumExp(logits, 1, true);
        const oneHot = tf.oneHot(tf.cast(tc, "int32"), vocab);
        const picked = tf.sum(tf.mul(logits, oneHot), 1, true);
        const out: Record<string, tf.Tensor> = {
          loss: tf.sum(tf.mul(tf.reshape(tf.sub(logSumExp, picked), [size]), vc)),
          correct: tf.sum(tf.mul(tf.cast(tf.equal(tf.argMax(logits, 1), tc), "float32"), vc)),
        };
        if (withGradients) {
          const g = tf.mul(tf.mul(tf.sub(tf.exp(tf.sub(logits, logSumExp)), oneHot), tf.reshape(vc, [size, 1])), gradientScale);
          const gMain = cSpecial ? tf.slice(g, [0, 0], [size, vocabMain]) : g;
          out.gradMain = tf.matMul(gMain, xc, true, false);
          out.gradX = tf.matMul(gMain, cMain);
          if (cSpecial) {
            const gSpecial = tf.slice(g, [0, vocabMain], [size, -1]);
            out.gradSpecial = tf.matMul(gSpecial, xsc, true, false);
            const fromSpecial = tf.matMul(gSpecial, cSpecial);
            if (cxSpecial) out.gradXSpecial = fromSpecial;
            else out.gradX = tf.add(out.gradX, fromSpecial);
          }
        }
        return out;
      });
      const accumulate = (total: tf.Tensor | null, part: tf.Tensor | undefined): tf.Tensor | null => {
        if (!part) return total;
        if (!total) return part;
        const sum = tf.add(total, part);
        tf.dispose([total, part]);
        return sum;
      };
      lossSum = accumulate(lossSum, step.loss) as tf.Tensor;
      correct = accumulate(correct, step.correct) as tf.Tensor;
      gradMain = accumulate(gradMain, step.gradMain);
      gradSpecial = accumulate(gradSpecial, step.gradSpecial);
      if (step.gradX) gradX.push(step.gradX);
      if (step.gradXSpecial) gradXSpecial.push(step.gradXSpecial);
    }
    if (withGradients) {
      const saved = [gradX.length === 1 ? (gradX[0] as tf.Tensor) : tf.concat(gradX, 0), gradMain as tf.Tensor];
      if (cSpecial) saved.push(gradSpecial as tf.Tensor);
      if (cxSpecial) saved.push(gradXSpecial.length === 1 ? (gradXSpecial[0] as tf.Tensor) : tf.concat(gradXSpecial, 0));
      save(saved);
    }
    const meanLoss = tf.div(lossSum, denominator);
    return {
      value: tf.stack([meanLoss, correct, valid]),
      // Only the loss (entry 0) has a gradient; the counts are constants.
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const dLoss = tf.slice(Array.isArray(dy) ? (dy[0] as tf.Tensor) : dy, [0], [1]);
        return saved.map((gradient) => tf.mul(gradient, tf.reshape(dLoss, [])));
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const result = op(...tensors);
  const [loss, correct, valid] = tf.unstack(result) as [tf.Scalar, tf.Scalar, tf.Scalar];
  return { loss, correct, valid };
}

/**
 * Port of whisperspeech/s2a_delar_mup_wds_mlang.py: DelSumHead.forward followed by the per
 * quantizer cross entropy, fused so that the [B, Q, T, V] logits never exist: `splitter` (Linear(W,
 * W·Q) + GELU) split per quantizer, each quantizer's FlexEmbeddings unembedding (`hidden_to_emb`
 * when present, `main`, then the shared `special` table) and its cross entropy with
 * `unembedCrossEntropy`. x [B, T, W], targets int32 [B, Q, T] aligned with x (the caller shifts).
 * Returns per quantizer the mean loss (logits × `scale`; over `denominators[q]` when given) and the accuracy counts.
 */
export function delSumHeadCrossEntropy(
  w: WeightLookup,
  prefix: string,
  embeddingsPrefix: string,
  shape: FlexEmbeddingsShape,
  quantizers: number,
  x: tf.Tensor3D,
  targets: tf.Tensor3D,
  options: DelSumHeadLossOptions = {},
): UnembedLossResult[] {
  const { denominators, ...shared } = options;
  if (denominators && denominators.length !== quantizers) throw new RangeError(`delSumHeadCrossEntropy: ${denominators.length} denominators for ${quantizers} quantizers`);
  const [b, t, width] = x.shape;
  const split = tf.reshape(gelu(linear(w, `${prefix}.splitter.0`, x)), [b * t, quantizers, width]);
  const parts = tf.unstack(split, 1) as tf.Tensor2D[];
  const targetRows = tf.unstack(tf.transpose(targets, [1, 0, 2]));
  const specialName = `${embeddingsPrefix}.0.special.weight`;
  return parts.map((part, q) => {
    const embeddings = `${embeddingsPrefix}.${q}`;
    const projected = shape.unembed && shape.frozenWidth !== shape.width ? (linear(w, `${embeddings}.hidden_to_emb`, part) as tf.Tensor2D) : part;
    const inputs: UnembedLossInputs = { x: projected, main: w(`${embeddings}.main.weight`) as tf.Tensor2D };
    if (shape.specialCodes > 0) {
      inputs.special = w(specialName) as tf.Tensor2D;
      if (projected !== part) inputs.xSpecial = part;
    }
    const denominator = denominators?.[q];
    return unembedCrossEntropy(inputs, tf.reshape(targetRows[q] as tf.Tensor, [b * t]) as tf.Tensor1D, denominator === undefined ? shared : { ...shared, denominator });
  });
}
