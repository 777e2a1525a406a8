import { loadModelCheckpoint, saveModelCheckpoint } from "@autosing/nn";
import type { ModelCheckpoint } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { T2S_MODEL } from "./model-definition.js";
import type { T2SParameterOptions } from "./parameters.js";

/** Canonical parameter names (aliases folded) in `weights`; complete for `t2sParameterSpecs(config, tunables)`. */
export type T2SCheckpoint = ModelCheckpoint<T2SConfig, T2STunables>;

/**
 * Loads a t2s checkpoint (safetensors with config/tunables metadata). Every upstream key must
 * be present with its shape; missing, unexpected and mis-shaped keys are reported together.
 */
export async function loadT2SCheckpoint(path: string, options: T2SParameterOptions = {}): Promise<T2SCheckpoint> {
  return loadModelCheckpoint(T2S_MODEL, path, options);
}

/** Saves a t2s checkpoint with the full upstream state dict (shared tensors under every key). */
export async function saveT2SCheckpoint(path: string, checkpoint: T2SCheckpoint): Promise<void> {
  await saveModelCheckpoint(T2S_MODEL, path, checkpoint);
}
