import { expandAliases, matchStateDict, readCheckpoint, writeCheckpoint } from "@autosing/nn";
import type { StateDict } from "@autosing/nn";

import type { T2SConfig, T2STunables } from "./config.js";
import { DEFAULT_T2S_TUNABLES, t2sDimensions } from "./config.js";
import { T2SConfigError } from "./errors.js";
import { t2sParameterSpecs } from "./parameters.js";
import type { T2SParameterOptions } from "./parameters.js";

export interface T2SCheckpoint {
  config: T2SConfig;
  tunables: T2STunables;
  /** Canonical parameter names (aliases folded); complete for `t2sParameterSpecs(config, tunables)`. */
  weights: StateDict;
}

const integerFields = ["depth", "n_head", "head_width", "ffn_mult", "ttoks_len", "ttoks_codes", "stoks_len", "stoks_codes", "mtoks_len", "quantizers", "codes"] as const;
const nullableFields = ["ttoks_width", "stoks_width"] as const;

/**
 * Validates an upstream `config` dict. Upstream TSARTransformer defaults fill what TM2S
 * checkpoints may omit (head_width 64, ffn_mult 4, ttoks_codes 256, widths null).
 */
export function parseT2SConfig(raw: Record<string, unknown>): T2SConfig {
  const withDefaults: Record<string, unknown> = { head_width: 64, ffn_mult: 4, ttoks_codes: 256, ttoks_width: null, stoks_width: null, quantizers: 4, codes: 1024, ...raw };
  for (const field of integerFields) {
    const value = withDefaults[field];
    if (typeof value !== "number" || !Number.isInteger(value) || value <= 0) throw new T2SConfigError(field, value, "must be a positive integer");
  }
  for (const field of nullableFields) {
    const value = withDefaults[field];
    if (value !== null && (typeof value !== "number" || !Number.isInteger(value) || value <= 0)) throw new T2SConfigError(field, value, "must be a positive integer or null");
  }
  const config = Object.fromEntries([...integerFields, ...nullableFields].map((f) => [f, withDefaults[f]])) as unknown as T2SConfig;
  return config;
}

/** Upstream tunables over the defaults; unknown keys are kept out, wrong types rejected. */
export function parseT2STunables(raw: Record<string, unknown>): T2STunables {
  if (raw.rope === false) {
    throw new T2SConfigError(
      "tunables.rope",
      false,
      "a t2s model has no rope switch upstream: whisperspeech t2s Tunables has no `rope` field (Tunables(**tunables) rejects the key), " +
        "TM2STransformer builds its music encoder and decoder with rope=True unconditionally, and the text encoder and decoder input always " +
        "add their sinusoid tables (encoder.positional_embedding, embeddings.positional_embedding); remove the key",
    );
  }
  const out: Record<string, unknown> = { ...DEFAULT_T2S_TUNABLES };
  for (const [key, fallback] of Object.entries(DEFAULT_T2S_TUNABLES)) {
    const value = raw[key];
    if (value === undefined) continue;
    if (typeof value !== typeof fallback) throw new T2SConfigError(`tunables.${key}`, value, `must be a ${typeof fallback}`);
    out[key] = value;
  }
  return out as unknown as T2STunables;
}

/**
 * Loads a t2s checkpoint (safetensors with config/tunables metadata). Every upstream key must
 * be present with its shape; missing, unexpected and mis-shaped keys are reported together.
 */
export async function loadT2SCheckpoint(path: string, options: T2SParameterOptions = {}): Promise<T2SCheckpoint> {
  const raw = await readCheckpoint(path);
  const config = parseT2SConfig(raw.config);
  const tunables = parseT2STunables(raw.tunables);
  t2sDimensions(config, tunables);
  const weights = matchStateDict(t2sParameterSpecs(config, tunables, options), raw.tensors);
  return { config, tunables, weights };
}

/** Saves a t2s checkpoint with the full upstream state dict (shared tensors under every key). */
export async function saveT2SCheckpoint(path: string, checkpoint: T2SCheckpoint): Promise<void> {
  const specs = t2sParameterSpecs(checkpoint.config, checkpoint.tunables);
  await writeCheckpoint(path, {
    model: "t2s",
    config: { ...checkpoint.config },
    tunables: { ...checkpoint.tunables },
    tensors: expandAliases(specs, checkpoint.weights),
  });
}
