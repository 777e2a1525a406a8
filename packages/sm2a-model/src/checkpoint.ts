import { loadModelCheckpoint, saveModelCheckpoint } from "@autosing/nn";
import type { ModelCheckpoint } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { SM2A_MODEL } from "./model-definition.js";
import type { SM2AParameterOptions } from "./parameters.js";

export type SM2ACheckpoint = ModelCheckpoint<SM2AConfig, SM2ATunables>;

/** Loads an sm2a checkpoint; missing, unexpected and mis-shaped keys are reported together. */
export async function loadSM2ACheckpoint(path: string, options: SM2AParameterOptions = {}): Promise<SM2ACheckpoint> {
  return loadModelCheckpoint(SM2A_MODEL, path, options);
}

/** Saves an sm2a checkpoint with the full upstream state dict (shared tensors under every key). */
export async function saveSM2ACheckpoint(path: string, checkpoint: SM2ACheckpoint): Promise<void> {
  await saveModelCheckpoint(SM2A_MODEL, path, checkpoint);
}
