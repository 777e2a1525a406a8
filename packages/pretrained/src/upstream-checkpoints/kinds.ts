import type { ModelKind } from "../importer.js";

/**
 * The telltale config keys of each upstream network (as `autosing export`'s detectModel reads
 * them): the artist embedder has `emb_width` and `num_classes` (and also `ctx_n`), t2s `ttoks_len`,
 * sm2a `ctx_n`.
 */
export const MODEL_TELLTALES: readonly { readonly kind: ModelKind; looksLike(config: Record<string, unknown>): boolean }[] = [
  { kind: "artist-emb", looksLike: (config) => "emb_width" in config && "num_classes" in config },
  { kind: "t2s", looksLike: (config) => "ttoks_len" in config },
  { kind: "sm2a", looksLike: (config) => "ctx_n" in config && !("emb_width" in config) && !("ttoks_len" in config) },
];

export function telltale(kind: ModelKind): (config: Record<string, unknown>) => boolean {
  const entry = MODEL_TELLTALES.find((item) => item.kind === kind);
  if (entry === undefined) throw new Error(`no telltale for ${kind}`);
  return entry.looksLike;
}

export function otherKinds(kind: ModelKind): typeof MODEL_TELLTALES {
  return MODEL_TELLTALES.filter((item) => item.kind !== kind);
}
