import { expandAliases, matchStateDict, readCheckpoint, writeCheckpoint } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { DEFAULT_SM2A_TUNABLES, sm2aDimensions } from "./config.js";
import { SM2AConfigError } from "./errors.js";
import { sm2aParameterSpecs } from "./parameters.js";
import type { SM2AParameterOptions } from "./parameters.js";

export interface SM2ACheckpoint {
  config: SM2AConfig;
  tunables: SM2ATunables;
  weights: StateDict;
}

const integerFields = ["depth", "ctx_n", "stoks_len", "stoks_codes", "n_head", "head_width", "ffn_mult", "quantizers", "codes", "mtoks_len", "enc_subsample"] as const;
const nullableFields = ["stoks_width", "spk_width", "atoks_width"] as const;

/** Validates an upstream `config` dict; SADelAR/SM2A constructor defaults fill omitted fields. */
export function parseSM2AConfig(raw: Record<string, unknown>): SM2AConfig {
  const merged: Record<string, unknown> = {
    depth: 3, ctx_n: 2250, stoks_len: 750, stoks_codes: 4097, stoks_width: null, spk_width: null, atoks_width: null,
    n_head: 3, head_width: 64, ffn_mult: 4, quantizers: 8, codes: 1024, pattern: null, enc_subsample: 1,
    ...raw,
  };
  if (merged.mtoks_len === undefined || merged.mtoks_len === null) merged.mtoks_len = merged.ctx_n;
  for (const field of integerFields) {
    const value = merged[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new SM2AConfigError(field, value, "must be a positive integer");
  }
  for (const field of nullableFields) {
    const value = merged[field];
    if (value !== null && (typeof value !== "number" || !Number.isInteger(value) || value <= 0)) throw new SM2AConfigError(field, value, "must be a positive integer or null");
  }
  if (merged.pattern !== null && typeof merged.pattern !== "string") throw new SM2AConfigError("pattern", merged.pattern, "must be a string or null");
  return Object.fromEntries([...integerFields, ...nullableFields, "pattern"].map((f) => [f, merged[f]])) as unknown as SM2AConfig;
}

/** Port of whisperspeech s2a Tunables.upgrade: old checkpoints lack rope / linear_heads / causal_encoder / force_hidden_to_emb. */
export function parseSM2ATunables(raw: Record<string, unknown>): SM2ATunables {
  const upgraded: Record<string, unknown> = { rope: false, linear_heads: true, causal_encoder: false, force_hidden_to_emb: true, ...raw };
  const out: Record<string, unknown> = { ...DEFAULT_SM2A_TUNABLES };
  for (const [key, fallback] of Object.entries(DEFAULT_SM2A_TUNABLES)) {
    const value = upgraded[key];
    if (value === undefined) continue;
    if (typeof value !== typeof fallback) throw new SM2AConfigError(`tunables.${key}`, value, `must be a ${typeof fallback}`);
    out[key] = value;
  }
  return out as unknown as SM2ATunables;
}

/** Loads an sm2a checkpoint; missing, unexpected and mis-shaped keys are reported together. */
export async function loadSM2ACheckpoint(path: string, options: SM2AParameterOptions = {}): Promise<SM2ACheckpoint> {
  const raw = await readCheckpoint(path);
  const config = parseSM2AConfig(raw.config);
  const tunables = parseSM2ATunables(raw.tunables);
  sm2aDimensions(config, tunables);
  return { config, tunables, weights: matchStateDict(sm2aParameterSpecs(config, tunables, options), raw.tensors) };
}

export async function saveSM2ACheckpoint(path: string, checkpoint: SM2ACheckpoint): Promise<void> {
  await writeCheckpoint(path, {
    model: "sm2a",
    config: { ...checkpoint.config },
    tunables: { ...checkpoint.tunables },
    tensors: expandAliases(sm2aParameterSpecs(checkpoint.config, checkpoint.tunables), checkpoint.weights),
  });
}
