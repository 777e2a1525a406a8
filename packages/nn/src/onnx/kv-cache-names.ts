/**
 * Names of the self-attention KV cache in our one-step decoder graphs, following the
 * transformers.js convention (DESIGN.md §5): `past_key_values.{i}.key|value` in,
 * `present.{i}.key|value` out, each `[batch, heads, past, head_dim]`. Shared by every model's
 * exporter and generator so the two sides cannot drift apart.
 */
export const KV_CACHE_NAMES = {
  pastKey: (layer: number): string => `past_key_values.${layer}.key`,
  pastValue: (layer: number): string => `past_key_values.${layer}.value`,
  presentKey: (layer: number): string => `present.${layer}.key`,
  presentValue: (layer: number): string => `present.${layer}.value`,
} as const;
