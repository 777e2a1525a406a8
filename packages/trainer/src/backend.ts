// Loaded when the trainer is, as before: every op's gradient (the umbrella package; tfjs-core
// alone registers none, so variableGrads would fail with "gradient function not found") and the
// two backends training falls back to. Their imports are side effects.
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import { type SelectedTfBackend, type TfBackendChoice, TF_BACKEND_PREFERENCE, selectTfBackend } from "@autosing/nn";

import { BackendUnavailableError, TrainerConfigError } from "./errors.js";

/**
 * The trainer's entry to `@autosing/nn`'s backend selector: initialises the fastest tfjs backend
 * that loads (`@tensorflow/tfjs-node-gpu`, then `@tensorflow/tfjs-node`, then wasm, then cpu);
 * on wasm, matrix products run on onnxruntime's native GEMM with `matMulThreads` threads (default:
 * all cores; 0 keeps them in wasm); `only` restricts the choice (e.g. `["cpu"]` in tests that must be bit-reproducible across
 * machines). An unknown name is a `TrainerConfigError`, no loadable backend a `BackendUnavailableError`.
 */
export async function selectBackend(options: { only?: readonly TfBackendChoice[]; matMulThreads?: number } = {}): Promise<SelectedTfBackend> {
  const order = options.only ?? TF_BACKEND_PREFERENCE;
  for (const choice of order) {
    if (!TF_BACKEND_PREFERENCE.includes(choice)) {
      throw new TrainerConfigError("backend", choice, `expected one of ${TF_BACKEND_PREFERENCE.join(", ")}`);
    }
  }
  const { selected, failed } = await selectTfBackend(order, options.matMulThreads === undefined ? {} : { matMulThreads: options.matMulThreads });
  if (!selected) throw new BackendUnavailableError(failed);
  return selected;
}
