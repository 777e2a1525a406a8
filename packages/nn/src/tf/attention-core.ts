import * as tf from "@tensorflow/tfjs-core";

import { nativeAttentionBackward, nativeAttentionForward } from "./native-attention.js";
import { activeNativeMatMul } from "./wasm-matmul.js";

/** Score-sized tensors are formed for this many (batch, head) pairs at a time: about 16 MiB each. */
const DEFAULT_GROUP_BYTES = 16 * 2 ** 20;

/**
 * softmax(q·kᵀ·scale + mask)·v for q [B, H, Tq, D], k and v [B, H, Tk, D], mask [Tq, Tk] or
 * null, with a hand-written backward pass; `groupBytes` of scores at a time (default 16 MiB, 64 MiB
 * on the native path below). The forward runs the same ops as the plain
 * composition (same values). What differs is memory: autograd would keep the scores, the scaled
 * and masked scores, the probabilities, and later a gradient for each, all [B, H, Tq, Tk] and all
 * alive until the whole backward pass ends (at 1280 acoustic steps, 40 MB each per sample). Here
 * the (batch, head) pairs are processed in groups of about `groupBytes` of scores, only q, k, v
 * and the probabilities are kept, and the score-sized gradients of a group are freed as soon as
 * its q, k and v gradients are formed. The wasm matmul runs a batched product one pair at a time
 * anyway, so the grouping costs no extra products. On wasm with onnxruntime's GEMM in use
 * (`selectTfBackend`), forward and backward each run as one native graph per group instead
 * (`nativeAttentionForward`): nothing score-sized is kept at all — the backward recomputes the
 * probabilities — and every score-sized pass runs on onnxruntime's threads.
 */
export function attentionCore(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, scale: number, mask: tf.Tensor2D | null, groupBytes?: number): tf.Tensor4D {
  const [b, h, tq, d] = q.shape;
  const tk = k.shape[2];
  const pairs = b * h;
  const group = Math.max(1, Math.min(pairs, Math.floor((groupBytes ?? DEFAULT_GROUP_BYTES) / (4 * tq * tk))));
  const groups: [number, number][] = [];
  for (let start = 0; start < pairs; start += group) groups.push([start, Math.min(group, pairs - start)]);
  const part = (x: tf.Tensor, [start, size]: [number, number]) => tf.slice(x, [start, 0, 0], [size, -1, -1]) as tf.Tensor3D;
  const engine = activeNativeMatMul();
  if (engine && q.dtype === "float32" && k.dtype === "float32" && v.dtype === "float32" && (!mask || mask.dtype === "float32")) {
    const native = tf.customGrad(((cq: tf.Tensor4D, ck: tf.Tensor4D, cv: tf.Tensor4D, save: tf.GradSaveFunc) => {
      const [q3, k3, v3] = [tf.reshape(cq, [pairs, tq, d]), tf.reshape(ck, [pairs, tk, d]), tf.reshape(cv, [pairs, tk, d])] as tf.Tensor3D[] as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
      // The mask is saved too: the backward recomputes the scores, and the caller may dispose its mask before then.
      save(mask ? [q3, k3, v3, mask] : [q3, k3, v3]);
      return {
        value: tf.reshape(nativeAttentionForward(engine, q3, k3, v3, mask, scale, groupBytes), [b, h, tq, d]),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
          const [sq, sk, sv, savedMask] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D | undefined];
          const dOut = tf.reshape((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor, [pairs, tq, d]) as tf.Tensor3D;
          const [dq, dk, dv] = nativeAttentionBackward(engine, sq, sk, sv, savedMask ?? null, scale, dOut, groupBytes);
          return [tf.reshape(dq, [b, h, tq, d]), tf.reshape(dk, [b, h, tk, d]), tf.reshape(dv, [b, h, tk, d])];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => tf.Tensor4D;
    return native(q, k, v);
  }

  const op = tf.customGrad(((cq: tf.Tensor4D, ck: tf.Tensor4D, cv: tf.Tensor4D, save: tf.GradSaveFunc) => {
    const [q3, k3, v3] = [tf.reshape(cq, [pairs, tq, d]), tf.reshape(ck, [pairs, tk, d]), tf.reshape(cv, [pairs, tk, d])];
    const probabilities: tf.Tensor[] = [];
    const outputs = groups.map((range) => {
      const [p, out] = tf.tidy(() => {
        let scores: tf.Tensor = tf.mul(tf.matMul(part(q3, range), part(k3, range), false, true), scale);
        if (mask) scores = tf.add(scores, mask);
        const p = tf.softmax(scores);
        return [p, tf.matMul(p, part(v3, range))];
      });
      probabilities.push(p);
      return out;
    });
    save([q3, k3, v3, ...probabilities]);
    return {
      value: tf.reshape(outputs.length === 1 ? (outputs[0] as tf.Tensor) : tf.concat(outputs, 0), [b, h, tq, d]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const [sq, sk, sv] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dOut = tf.reshape((Array.isArray(dy) ? dy[0] : dy) as tf.Tensor, [pairs, tq, d]);
        const dq: tf.Tensor[] = [];
        const dk: tf.Tensor[] = [];
        const dv: tf.Tensor[] = [];
        groups.forEach((range, i) => {
          const grads = tf.tidy(() => {
            const p = saved[3 + i] as tf.Tensor3D;
            const dOutPart = part(dOut, range);
            const dValues = tf.matMul(p, dOutPart, true, false);
            const dProbabilities = tf.matMul(dOutPart, part(sv, range), false, true);
            // tfjs's softmax gradient: y·dy − y·Σ(y·dy), then the scale.
            const weighted = tf.mul(dProbabilities, p);
            const dScores = tf.mul(tf.sub(weighted, tf.mul(tf.sum(weighted, -1, true), p)), scale);
            return [tf.matMul(dScores, part(sk, range)), tf.matMul(dScores, part(sq, range), true, false), dValues];
          });
          dq.push(grads[0] as tf.Tensor);
          dk.push(grads[1] as tf.Tensor);
          dv.push(grads[2] as tf.Tensor);
        });
        const joined = (parts: tf.Tensor[], shape: number[]) => tf.reshape(parts.length === 1 ? (parts[0] as tf.Tensor) : tf.concat(parts, 0), shape);
        return [joined(dq, [b, h, tq, d]), joined(dk, [b, h, tk, d]), joined(dv, [b, h, tk, d])];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...args: tf.Tensor[]) => tf.Tensor4D;
  return op(q, k, v);
}
