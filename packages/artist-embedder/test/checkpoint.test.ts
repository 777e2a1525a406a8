import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { expandAliases, initializeParameters, NnError, StateDictMismatchError, writeCheckpoint } from "@autosing/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import {
  artistEmbedderConfig,
  artistEmbedderParameterSpecs,
  ArtistEmbedderConfigError,
  ArtistEmbedderError,
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  loadArtistEmbedderCheckpoint,
  parseArtistEmbedderTunables,
  saveArtistEmbedderCheckpoint,
} from "../src/index.js";
import { tinyConfig, tunables } from "./helpers.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "artist-embedder-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("artist embedder parameters", () => {
  it("the default Embedder has upstream's keys, shapes and μP metadata", () => {
    const config = artistEmbedderConfig(100);
    expect(config).toMatchObject({ depth: 8, n_head: 12, head_width: 64, ffn_mult: 4, emb_width: 256, quantizers: 4, codes: 4096, ctx_n: 832, finetune: false });
    const specs = artistEmbedderParameterSpecs(config, DEFAULT_ARTIST_EMBEDDER_TUNABLES);
    const byName = new Map(specs.map((s) => [s.name, s]));
    const names = [...byName.keys()];
    // 8 layers × (4 attention linears (7 tensors) + rotary + 2 LayerNorms (4) + mlp (4)) + 4 main + special + emb_proj/class_head/ar_head (6).
    expect(names.length).toBe(8 * 16 + 5 + 6);
    expect(byName.get("encoder.7.attn.query.weight")?.shape).toEqual([768, 768]);
    expect(byName.get("encoder.0.attn.key.bias")).toBeUndefined();
    expect(byName.get("encoder.0.attn.rotary.inv_freq")?.shape).toEqual([32]);
    expect(byName.get("encoder.0.mlp.0.weight")?.shape).toEqual([3072, 768]);
    expect(byName.get("embds.embeddings.3.main.weight")?.shape).toEqual([4096, 768]);
    expect(byName.get("embds.embeddings.0.special.weight")?.aliases).toEqual(["embds.embeddings.1.special.weight", "embds.embeddings.2.special.weight", "embds.embeddings.3.special.weight"]);
    expect(byName.get("emb_proj.weight")?.shape).toEqual([256, 768]);
    expect(byName.get("class_head.weight")?.shape).toEqual([100, 256]);
    expect(byName.get("ar_head.splitter.0.weight")?.shape).toEqual([3072, 768]);
    // init_transformer: QueryHead zero with lr_scale base_width/fan_in, Linear std init_std/fan_in, embeddings.
    expect(byName.get("encoder.0.attn.query.weight")).toMatchObject({ init: { kind: "constant", value: 0 }, lrScale: 192 / 768 });
    expect(byName.get("class_head.weight")).toMatchObject({ init: { kind: "truncatedNormal", std: 9 / 256 }, lrScale: 192 / 256 });
    expect(byName.get("embds.embeddings.0.main.weight")).toMatchObject({ init: { kind: "truncatedNormal", std: 0.2 }, lrScale: 10, noWeightDecay: true });
    expect(byName.get("encoder.0.mlp_ln.weight")).toMatchObject({ init: { kind: "constant", value: 1 }, noWeightDecay: true });
  });

  it("finetune freezes everything but class_head, as upstream sets lr_scale = 0", () => {
    const specs = artistEmbedderParameterSpecs(tinyConfig({ finetune: true }), tunables);
    const trained = specs.filter((s) => !s.buffer && s.lrScale !== 0).map((s) => s.name);
    expect(trained).toEqual(["class_head.weight", "class_head.bias"]);
  });
});

describe("artist embedder checkpoints", () => {
  it("round-trips config, tunables and every upstream key (aliases included)", async () => {
    const config = tinyConfig();
    const specs = artistEmbedderParameterSpecs(config, tunables);
    const weights = initializeParameters(specs, 5);
    const path = join(dir, "roundtrip.safetensors");
    await saveArtistEmbedderCheckpoint(path, { config, tunables, weights });
    const loaded = await loadArtistEmbedderCheckpoint(path);
    expect(loaded.config).toEqual(config);
    expect(loaded.tunables).toEqual(tunables);
    for (const [name, tensor] of weights) expect(Array.from(loaded.weights.get(name)?.data ?? [])).toEqual(Array.from(tensor.data));
  });

  it("a state dict written with upstream keys loads; missing, extra and mis-shaped keys are listed", async () => {
    const config = tinyConfig();
    const specs = artistEmbedderParameterSpecs(config, tunables);
    const full = expandAliases(specs, initializeParameters(specs, 6));
    full.delete("encoder.1.mlp.2.bias");
    full.set("encoder.0.cross_attn.query.weight", { shape: [16, 16], data: new Float32Array(256) });
    full.set("class_head.weight", { shape: [4, 12], data: new Float32Array(48) });
    const path = join(dir, "bad.safetensors");
    // Upstream's config dict as saved by Embedder.save_model, plus a legacy tunable load_model drops.
    await writeCheckpoint(path, { config: { ...config }, tunables: { ...tunables, encoder_depth_ratio: 0.25 }, tensors: full });
    const error = await loadArtistEmbedderCheckpoint(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateDictMismatchError);
    expect(NnError.isInstance(error)).toBe(true);
    const mismatch = error as StateDictMismatchError;
    expect(mismatch.missing).toEqual(["encoder.1.mlp.2.bias"]);
    expect(mismatch.unexpected).toEqual(["encoder.0.cross_attn.query.weight"]);
    expect(mismatch.wrongShape).toEqual([{ name: "class_head.weight", expected: [3, 12], actual: [4, 12] }]);
    expect(mismatch.message).toContain("class_head.weight is [4, 12], expected [3, 12]");
  });

  it("bad config values and unknown tunables are config errors naming the field", async () => {
    const path = join(dir, "config.safetensors");
    const config = tinyConfig();
    await writeCheckpoint(path, { config: { ...config, n_head: 0 }, tunables: {}, tensors: new Map() });
    const error = await loadArtistEmbedderCheckpoint(path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArtistEmbedderConfigError);
    expect(ArtistEmbedderError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("n_head = 0");
    expect(() => parseArtistEmbedderTunables({ q0_loss_mult: 1 })).toThrow(/tunables.q0_loss_mult/);
    expect(() => parseArtistEmbedderTunables({ label_smoothing: "0.1" })).toThrow(/must be a number/);
  });
});
