// The t2s `config` and `tunables` dicts as zod schemas (@autosing/nn's model-package vocabulary),
// and the parsers a checkpoint or an export folder is read with.
import { configReader, positiveInteger, positiveIntegerOrNull, refusedValue, tunablesSchema } from "@autosing/nn";
import { z } from "zod";

import type { T2SConfig, T2STunables } from "./config.js";
import { DEFAULT_T2S_TUNABLES } from "./config.js";
import { T2SConfigError } from "./errors.js";

/**
 * An upstream TM2STransformer `config` dict. Upstream TSARTransformer defaults fill what TM2S
 * checkpoints may omit (head_width 64, ffn_mult 4, ttoks_codes 256, widths null); the field order
 * is the order fields are checked in and the parsed dict's key order.
 */
export const T2S_CONFIG_SCHEMA = z.object({
  depth: positiveInteger(),
  n_head: positiveInteger(),
  head_width: positiveInteger().default(64),
  ffn_mult: positiveInteger().default(4),
  ttoks_len: positiveInteger(),
  ttoks_codes: positiveInteger().default(256),
  stoks_len: positiveInteger(),
  stoks_codes: positiveInteger(),
  mtoks_len: positiveInteger(),
  quantizers: positiveInteger().default(4),
  codes: positiveInteger().default(1024),
  ttoks_width: positiveIntegerOrNull().default(null),
  stoks_width: positiveIntegerOrNull().default(null),
}) satisfies z.ZodType<T2SConfig>;

const NO_ROPE_SWITCH =
  "a t2s model has no rope switch upstream: whisperspeech t2s Tunables has no `rope` field (Tunables(**tunables) rejects the key), " +
  "TM2STransformer builds its music encoder and decoder with rope=True unconditionally, and the text encoder and decoder input always " +
  "add their sinusoid tables (encoder.positional_embedding, embeddings.positional_embedding); remove the key";

/**
 * An upstream t2s `tunables` dict over `DEFAULT_T2S_TUNABLES`: unknown keys are dropped, wrong
 * types refused, and `rope: false` is refused before anything else (see NO_ROPE_SWITCH).
 */
export const T2S_TUNABLES_SCHEMA = z.looseObject({ rope: refusedValue(false, NO_ROPE_SWITCH) }).pipe(tunablesSchema(DEFAULT_T2S_TUNABLES));

/** Validates an upstream `config` dict and fills the TSARTransformer defaults. */
export const parseT2SConfig: (raw: Record<string, unknown>) => T2SConfig = configReader(T2S_CONFIG_SCHEMA, T2SConfigError);

/** Upstream tunables over the defaults; unknown keys are kept out, wrong types rejected. */
export const parseT2STunables: (raw: Record<string, unknown>) => T2STunables = configReader(T2S_TUNABLES_SCHEMA, T2SConfigError, { fieldPrefix: "tunables." });
