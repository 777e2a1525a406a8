// The artist embedder's `config` and `tunables` dicts as zod schemas (@autosing/nn's
// model-package vocabulary), and the parsers a checkpoint or an export folder is read with.
import { booleanField, configReader, positiveInteger, tunablesSchema } from "@autosing/nn";
import { z } from "zod";

import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "./config.js";
import { DEFAULT_ARTIST_EMBEDDER_CONFIG as DEFAULTS, DEFAULT_ARTIST_EMBEDDER_TUNABLES } from "./config.js";
import { ArtistEmbedderConfigError } from "./errors.js";

/**
 * An upstream Embedder `config` dict; Embedder.__init__ defaults fill omitted fields (`num_classes`
 * and `ctx_n` have none). The field order is the order fields are checked in and the parsed dict's
 * key order.
 */
export const ARTIST_EMBEDDER_CONFIG_SCHEMA = z.object({
  depth: positiveInteger().default(DEFAULTS.depth),
  ctx_n: positiveInteger(),
  codes: positiveInteger().default(DEFAULTS.codes),
  n_head: positiveInteger().default(DEFAULTS.n_head),
  head_width: positiveInteger().default(DEFAULTS.head_width),
  ffn_mult: positiveInteger().default(DEFAULTS.ffn_mult),
  quantizers: positiveInteger().default(DEFAULTS.quantizers),
  num_classes: positiveInteger(),
  emb_width: positiveInteger().default(DEFAULTS.emb_width),
  finetune: booleanField().default(DEFAULTS.finetune),
}) satisfies z.ZodType<ArtistEmbedderConfig>;

/**
 * An upstream Embedder `tunables` dict over `DEFAULT_ARTIST_EMBEDDER_TUNABLES`. Unknown keys are
 * refused, as upstream's `Tunables(**spec)` refuses them; like upstream Embedder.load_model, a
 * stray `encoder_depth_ratio` (older checkpoints) is dropped first.
 */
export const ARTIST_EMBEDDER_TUNABLES_SCHEMA = tunablesSchema(DEFAULT_ARTIST_EMBEDDER_TUNABLES, {
  unknownKeys: { reject: "is not an Embedder tunable (upstream's Tunables(**spec) would reject it too)" },
  ignoredKeys: ["encoder_depth_ratio"],
});

/** Validates an upstream `config` dict; Embedder.__init__ defaults fill omitted fields (not `num_classes`/`ctx_n`). */
export const parseArtistEmbedderConfig: (raw: Record<string, unknown>) => ArtistEmbedderConfig = configReader(ARTIST_EMBEDDER_CONFIG_SCHEMA, ArtistEmbedderConfigError);

/**
 * Validates upstream `tunables`; omitted fields take the Tunables defaults. Of several bad keys
 * the first in the dict is reported, as upstream reads the keyword arguments in that order.
 */
export const parseArtistEmbedderTunables: (raw: Record<string, unknown>) => ArtistEmbedderTunables = configReader(ARTIST_EMBEDDER_TUNABLES_SCHEMA, ArtistEmbedderConfigError, {
  fieldPrefix: "tunables.",
  reportOrder: "input",
});
