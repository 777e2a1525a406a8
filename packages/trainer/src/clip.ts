import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";

/** The L2 norm over all gradients together, as one number (reads one scalar back to the host). */
export function globalNorm(gradients: Iterable<Tensor>): number {
  const squares = tf.tidy(() => {
    const parts = [...gradients].map((g) => tf.sum(tf.square(g)));
    return parts.length ? tf.addN(parts) : tf.scalar(0);
  });
  const value = squares.dataSync()[0] as number;
  squares.dispose();
  return Math.sqrt(value);
}

/**
 * Port of torch.nn.utils.clip_grad_norm_ (norm 2), which Lightning's gradient_clip_val calls:
 * every gradient is multiplied by min(1, maxNorm / (totalNorm + 1e-6)). Returns the new
 * gradients (the inputs are disposed) and the coefficient used.
 */
export function clipByGlobalNorm(
  gradients: Map<string, Tensor>,
  maxNorm: number,
  totalNorm: number,
): { gradients: Map<string, Tensor>; coefficient: number } {
  const coefficient = Math.min(1, maxNorm / (totalNorm + 1e-6));
  if (coefficient === 1) return { gradients, coefficient };
  const clipped = new Map<string, Tensor>();
  for (const [name, gradient] of gradients) {
    clipped.set(name, tf.mul(gradient, coefficient));
    gradient.dispose();
  }
  return { gradients: clipped, coefficient };
}
