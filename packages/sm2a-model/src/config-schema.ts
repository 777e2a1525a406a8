// The sm2a `config` and `tunables` dicts as zod schemas (@autosing/nn's model-package vocabulary),
// and the parsers a checkpoint or an export folder is read with.
import { configReader, positiveInteger, positiveIntegerOrNull, stringOrNull, tunablesSchema } from "@autosing/nn";
import { z } from "zod";

import type { SM2AConfig, SM2ATunables } from "./config.js";
import { DEFAULT_SM2A_TUNABLES } from "./config.js";
import { SM2AConfigError } from "./errors.js";

/** SADelARTransformer's default context, which an omitted `mtoks_len` also takes. */
const DEFAULT_CTX_N = 2250;

/**
 * An upstream SM2ATransformer `config` dict; SADelAR/SM2A constructor defaults fill omitted fields,
 * and a missing or null `mtoks_len` is the music context of the same length as `ctx_n`. The field
 * order is the order fields are checked in and the parsed dict's key order.
 */
export const SM2A_CONFIG_SCHEMA = z.preprocess(
  (raw) => (isDict(raw) && (raw.mtoks_len === undefined || raw.mtoks_len === null) ? { ...raw, mtoks_len: raw.ctx_n ?? DEFAULT_CTX_N } : raw),
  z.object({
    depth: positiveInteger().default(3),
    ctx_n: positiveInteger().default(DEFAULT_CTX_N),
    stoks_len: positiveInteger().default(750),
    stoks_codes: positiveInteger().default(4097),
    n_head: positiveInteger().default(3),
    head_width: positiveInteger().default(64),
    ffn_mult: positiveInteger().default(4),
    quantizers: positiveInteger().default(8),
    codes: positiveInteger().default(1024),
    mtoks_len: positiveInteger(),
    enc_subsample: positiveInteger().default(1),
    stoks_width: positiveIntegerOrNull().default(null),
    spk_width: positiveIntegerOrNull().default(null),
    atoks_width: positiveIntegerOrNull().default(null),
    pattern: stringOrNull().default(null),
  }),
) satisfies z.ZodType<SM2AConfig, Record<string, unknown>>;

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * An upstream sm2a `tunables` dict over `DEFAULT_SM2A_TUNABLES`. Port of whisperspeech s2a
 * Tunables.upgrade: old checkpoints lack rope / linear_heads / causal_encoder /
 * force_hidden_to_emb and mean their old values. Unknown keys are dropped.
 */
export const SM2A_TUNABLES_SCHEMA = tunablesSchema(DEFAULT_SM2A_TUNABLES, {
  whenAbsent: { rope: false, linear_heads: true, causal_encoder: false, force_hidden_to_emb: true },
});

/** Validates an upstream `config` dict; SADelAR/SM2A constructor defaults fill omitted fields. */
export const parseSM2AConfig: (raw: Record<string, unknown>) => SM2AConfig = configReader(SM2A_CONFIG_SCHEMA, SM2AConfigError);

/** Port of whisperspeech s2a Tunables.upgrade: old checkpoints lack rope / linear_heads / causal_encoder / force_hidden_to_emb. */
export const parseSM2ATunables: (raw: Record<string, unknown>) => SM2ATunables = configReader(SM2A_TUNABLES_SCHEMA, SM2AConfigError, { fieldPrefix: "tunables." });
