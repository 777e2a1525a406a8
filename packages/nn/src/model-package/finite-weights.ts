import { NonFiniteWeightError } from "../errors.js";
import type { StateDict } from "../safetensors.js";

/**
 * Refuses weights holding NaN or ±Infinity, naming the first tensor (in the state dict's order)
 * and flat index. A diverged training run saves such weights without complaint; onnxruntime
 * runs them too and generates noise, so the export is where they are stopped.
 */
export function assertFiniteWeights(weights: StateDict): void {
  for (const [name, tensor] of weights) {
    const data = tensor.data;
    for (let i = 0; i < data.length; i++) {
      const value = data[i] ?? 0;
      if (!Number.isFinite(value)) throw new NonFiniteWeightError(name, i, value);
    }
  }
}
