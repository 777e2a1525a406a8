import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { initializeParameters, StateDictMismatchError, writeSafetensors } from "@autosing/nn";
import { writeFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadT2SCheckpoint, saveT2SCheckpoint, T2SConfigError, t2sParameterSpecs } from "../src/index.js";
import { tinyConfig, tunables } from "./helpers.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "t2s-checkpoint-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const attention = (p: string, rope: boolean): string[] => [
  `${p}.query.weight`, `${p}.query.bias`, `${p}.key.weight`, `${p}.value.weight`, `${p}.value.bias`, `${p}.out.weight`, `${p}.out.bias`,
  ...(rope ? [`${p}.rotary.inv_freq`] : []),
];
const ln = (p: string): string[] => [`${p}.weight`, `${p}.bias`];
const mlp = (p: string): string[] => [`${p}.0.weight`, `${p}.0.bias`, `${p}.2.weight`, `${p}.2.bias`];

/**
 * The upstream TM2STransformer state_dict keys for depth 2 (1 encoder layer, 3 decoder layers),
 * 3 music quantizers and a 8-wide frozen semantic codebook, written out from autosing/t2s.py and
 * whisperspeech modules.py by hand, independent of t2sParameterSpecs.
 */
function upstreamKeys(): string[] {
  const keys = ["lang_embeddings.weight", "cps_embeddings.weight", "encoder.embedding.main.weight", "encoder.positional_embedding"];
  keys.push(...attention("encoder.layers.0.attn", false), ...ln("encoder.layers.0.attn_ln"), ...mlp("encoder.layers.0.mlp"), ...ln("encoder.layers.0.mlp_ln"));
  keys.push(...ln("encoder.ln_post"));
  keys.push("embeddings.embedding.main.weight", "embeddings.embedding.emb_to_hidden.weight", "embeddings.embedding.emb_to_hidden.bias");
  keys.push("embeddings.embedding.hidden_to_emb.weight", "embeddings.embedding.hidden_to_emb.bias", "embeddings.embedding.special.weight", "embeddings.positional_embedding");
  for (let i = 0; i < 3; i++) {
    const p = `decoder.layers.${i}`;
    keys.push(...attention(`${p}.attn`, true), ...ln(`${p}.attn_ln`), ...attention(`${p}.cross_attn`, true), ...ln(`${p}.cross_attn_ln`));
    keys.push(...mlp(`${p}.mlp`), ...ln(`${p}.mlp_ln`), ...attention(`${p}.cross_attn_two`, true));
  }
  keys.push(...ln("decoder.ln_post"));
  for (let q = 0; q < 3; q++) keys.push(`music_embds.embeddings.${q}.main.weight`, `music_embds.embeddings.${q}.special.weight`);
  keys.push(...attention("music_encoder.0.attn", true), ...ln("music_encoder.0.attn_ln"), ...mlp("music_encoder.0.mlp"), ...ln("music_encoder.0.mlp_ln"));
  keys.push(...ln("ln_post_music"));
  return keys;
}

describe("t2s checkpoints", () => {
  const config = tinyConfig();
  const specs = t2sParameterSpecs(config, tunables);

  it("define exactly the upstream state_dict keys, with PyTorch shapes", () => {
    const names = specs.flatMap((s) => [s.name, ...s.aliases]);
    expect([...names].sort()).toEqual([...upstreamKeys()].sort());
    const shape = (name: string): number[] | undefined => specs.find((s) => s.name === name)?.shape;
    expect(shape("embeddings.embedding.main.weight")).toEqual([17, 8]);
    expect(shape("embeddings.embedding.emb_to_hidden.weight")).toEqual([16, 8]);
    expect(shape("decoder.layers.0.mlp.0.weight")).toEqual([32, 16]);
    expect(shape("lang_embeddings.weight")).toEqual([99, 16]);
    expect(shape("decoder.layers.2.cross_attn_two.rotary.inv_freq")).toEqual([4]);
  });

  it("load a safetensors file written with upstream keys (config and tunables in metadata) unchanged, and round-trip", async () => {
    const weights = initializeParameters(specs, 1);
    const full = new Map(weights);
    for (let q = 1; q < 3; q++) full.set(`music_embds.embeddings.${q}.special.weight`, weights.get("music_embds.embeddings.0.special.weight") ?? { shape: [], data: new Float32Array() });
    const path = join(dir, "upstream.safetensors");
    await writeFile(path, writeSafetensors(full, { config: JSON.stringify(config), tunables: JSON.stringify({ output_mult: 0.5 }) }));
    const loaded = await loadT2SCheckpoint(path);
    expect(loaded.config).toEqual(config);
    expect(loaded.tunables.output_mult).toBe(0.5);
    expect(loaded.tunables.query_mult).toBe(1);
    expect(loaded.weights.get("decoder.layers.1.attn.query.bias")?.data).toEqual(weights.get("decoder.layers.1.attn.query.bias")?.data);

    const again = join(dir, "again.safetensors");
    await saveT2SCheckpoint(again, loaded);
    const reloaded = await loadT2SCheckpoint(again);
    expect(reloaded.weights.get("music_embds.embeddings.0.special.weight")?.data).toEqual(weights.get("music_embds.embeddings.0.special.weight")?.data);
  });

  it("report missing, unexpected and mis-shaped keys together", async () => {
    const weights = initializeParameters(specs, 1);
    weights.delete("decoder.layers.0.attn.key.weight");
    weights.set("decoder.layers.0.attn.key.bias", { shape: [16], data: new Float32Array(16) });
    weights.set("ln_post_music.weight", { shape: [15], data: new Float32Array(15) });
    const path = join(dir, "bad.safetensors");
    await writeFile(path, writeSafetensors(weights, { config: JSON.stringify(config), tunables: "{}" }));
    const error = await loadT2SCheckpoint(path).catch((e: unknown) => e);
    expect(StateDictMismatchError.isInstance(error)).toBe(true);
    const mismatch = error as StateDictMismatchError;
    expect(mismatch.missing).toEqual(["decoder.layers.0.attn.key.weight"]);
    expect(mismatch.unexpected).toEqual(["decoder.layers.0.attn.key.bias"]);
    expect(mismatch.wrongShape).toEqual([{ name: "ln_post_music.weight", expected: [16], actual: [15] }]);
    expect(mismatch.message).toMatch(/missing keys: decoder\.layers\.0\.attn\.key\.weight; unexpected keys: decoder\.layers\.0\.attn\.key\.bias; wrong shapes: ln_post_music\.weight is \[15\], expected \[16\]/);
  });

  it("reject a config with a bad field by name", async () => {
    const path = join(dir, "badconfig.safetensors");
    await writeFile(path, writeSafetensors(new Map(), { config: JSON.stringify({ ...config, n_head: 0 }), tunables: "{}" }));
    const error = await loadT2SCheckpoint(path).catch((e: unknown) => e);
    expect(T2SConfigError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/n_head = 0/);
  });
});
