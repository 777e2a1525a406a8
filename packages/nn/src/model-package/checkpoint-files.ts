import { readCheckpoint, writeCheckpoint } from "../checkpoint.js";
import { expandAliases, matchStateDict } from "../parameters.js";
import type { StateDict } from "../safetensors.js";
import type { ModelDefinition } from "./model-definition.js";

/** A model's checkpoint in memory: its parsed upstream config and tunables plus its weights. */
export interface ModelCheckpoint<Config, Tunables> {
  config: Config;
  tunables: Tunables;
  /** Canonical parameter names (aliases folded); complete for the model's parameter specs. */
  weights: StateDict;
}

/**
 * Loads a checkpoint of `model` (a safetensors file with config/tunables metadata, or a trainer
 * directory; see `readCheckpoint`): the dicts are parsed and validated, then every upstream key
 * must be present with its shape — missing, unexpected and mis-shaped keys are reported together.
 */
export async function loadModelCheckpoint<Config, Tunables, ParameterOptions>(
  model: ModelDefinition<string, Config, Tunables, ParameterOptions>,
  path: string,
  options?: ParameterOptions,
): Promise<ModelCheckpoint<Config, Tunables>> {
  const raw = await readCheckpoint(path);
  const config = model.readConfig(raw.config);
  const tunables = model.readTunables(raw.tunables);
  model.validate(config, tunables);
  return { config, tunables, weights: matchStateDict(model.parameterSpecs(config, tunables, options), raw.tensors) };
}

/**
 * Saves a checkpoint of `model` with the full upstream state dict (a tensor shared by several
 * upstream modules is written under every one of their keys) and the model's name in the metadata.
 */
export async function saveModelCheckpoint<Config extends object, Tunables extends object, ParameterOptions>(
  model: ModelDefinition<string, Config, Tunables, ParameterOptions>,
  path: string,
  checkpoint: ModelCheckpoint<Config, Tunables>,
): Promise<void> {
  const specs = model.parameterSpecs(checkpoint.config, checkpoint.tunables);
  await writeCheckpoint(path, {
    model: model.name,
    config: { ...checkpoint.config } as Record<string, unknown>,
    tunables: { ...checkpoint.tunables } as Record<string, unknown>,
    tensors: expandAliases(specs, checkpoint.weights),
  });
}
