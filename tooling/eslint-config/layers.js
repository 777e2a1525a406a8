/**
 * The layer order of the autosing packages (docs/decisions/0005-layer-order.md), top to bottom.
 * A package imports only packages of strictly lower layers — never upward, never sideways — so
 * the package graph has no cycle and each layer can be understood, tested and published without
 * the ones above it. The `autosing/layer-order` lint rule checks source imports against this
 * table, and `test/package-graph.test.ts` checks every package.json dependency against it.
 */
export const LAYERS = Object.freeze([
  { name: "CLI", packages: ["@autosing/cli"] },
  { name: "server", packages: ["@autosing/server"] },
  { name: "processing steps", packages: ["@autosing/processing"] },
  { name: "importers", packages: ["@autosing/pretrained"] },
  { name: "pipelines", packages: ["@autosing/sing", "@autosing/trainer"] },
  { name: "models", packages: ["@autosing/t2s-model", "@autosing/sm2a-model", "@autosing/artist-embedder"] },
  { name: "neural building blocks", packages: ["@autosing/nn"] },
  { name: "contracts and adapters", packages: ["@autosing/semantic-tokens", "@autosing/separation", "@autosing/lrc-align"] },
  { name: "synthetic corpus", packages: ["@autosing/song-corpus"] },
  { name: "audio and datasets", packages: ["@autosing/audio-codec", "@autosing/parquet-io"] },
  { name: "engines and formats", packages: ["@autosing/onnx", "@autosing/safetensors", "@autosing/torch-files", "@autosing/espeak"] },
  { name: "base", packages: ["@autosing/base"] },
]);

/** Build and test configuration every package may import (as dev dependencies); outside the layers. */
export const TOOLING_PACKAGES = Object.freeze(["@autosing/eslint-config", "@autosing/tsconfig", "@autosing/vitest-config"]);

/**
 * The inference path: `sing`, the models and everything they run on. Its published code imports
 * only packages of this list, none of which reaches eSpeak-NG (GPL-3.0, ADR 0004), so a user of
 * the generation path is never pulled into the GPL. Tests and benches may use more (the synthetic
 * corpus, which sings with eSpeak).
 */
export const INFERENCE_PACKAGES = Object.freeze([
  "@autosing/sing",
  "@autosing/t2s-model",
  "@autosing/sm2a-model",
  "@autosing/artist-embedder",
  "@autosing/nn",
  "@autosing/semantic-tokens",
  "@autosing/separation",
  "@autosing/audio-codec",
  "@autosing/parquet-io",
  "@autosing/onnx",
  "@autosing/safetensors",
  "@autosing/base",
]);

/** "CLI → server → … → base", for messages. */
export const LAYER_ORDER = LAYERS.map((layer) => layer.name).join(" → ");

const layerIndex = new Map(LAYERS.flatMap((layer, index) => layer.packages.map((name) => [name, index])));

/** The layer of a package (0 is the top), or undefined when the table does not list it. */
export function layerOf(packageName) {
  const index = layerIndex.get(packageName);
  return index === undefined ? undefined : { index, name: LAYERS[index].name };
}

/** `@autosing/nn` for `@autosing/nn/testing`; undefined for specifiers outside the `@autosing` scope. */
export function autosingPackageOf(specifier) {
  const match = /^(@autosing\/[^/]+)/.exec(specifier);
  return match === null ? undefined : match[1];
}
