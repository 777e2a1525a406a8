import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { initializeParameters, StateDictMismatchError, writeSafetensors } from "@autosing/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { loadSM2ACheckpoint, openSM2AExport, parseSM2ATunables, saveSM2ACheckpoint, SM2AConfigError, sm2aParameterSpecs, writeSM2AExport } from "../src/index.js";
import { tinyConfig, tunables } from "./helpers.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "sm2a-checkpoint-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const attention = (p: string): string[] => [
  `${p}.query.weight`, `${p}.query.bias`, `${p}.key.weight`, `${p}.value.weight`, `${p}.value.bias`, `${p}.out.weight`, `${p}.out.bias`, `${p}.rotary.inv_freq`,
];
const ln = (p: string): string[] => [`${p}.weight`, `${p}.bias`];
const mlp = (p: string): string[] => [`${p}.0.weight`, `${p}.0.bias`, `${p}.2.weight`, `${p}.2.bias`];
const encoderBlock = (p: string): string[] => [...attention(`${p}.attn`), ...ln(`${p}.attn_ln`), ...mlp(`${p}.mlp`), ...ln(`${p}.mlp_ln`)];

/** Upstream SM2ATransformer state_dict keys for depth 2 (1 encoder, 1 music encoder, 3 decoder layers), 3 quantizers, written by hand. */
function upstreamKeys(): string[] {
  const keys = ["semantic_embedding.weight", "emb_to_hidden.weight", "emb_to_hidden.bias", "spk_to_hidden.weight", "spk_to_hidden.bias"];
  keys.push(...encoderBlock("encoder.0"), ...ln("ln_post"));
  for (let q = 0; q < 3; q++) keys.push(`embds.embeddings.${q}.main.weight`, `embds.embeddings.${q}.special.weight`);
  for (let i = 0; i < 3; i++) {
    const p = `decoder.layers.${i}`;
    keys.push(...attention(`${p}.attn`), ...ln(`${p}.attn_ln`), ...attention(`${p}.cross_attn`), ...ln(`${p}.cross_attn_ln`), ...mlp(`${p}.mlp`), ...ln(`${p}.mlp_ln`), ...attention(`${p}.cross_attn_two`));
  }
  keys.push(...ln("decoder.ln_post"), "head.splitter.0.weight", "head.splitter.0.bias", "val_true", "val_total");
  keys.push(...encoderBlock("music_encoder.0"), ...ln("ln_post_music"));
  return keys;
}

describe("sm2a checkpoints", () => {
  const config = tinyConfig();
  const specs = sm2aParameterSpecs(config, tunables);

  it("define exactly the upstream state_dict keys, with PyTorch shapes", () => {
    expect(specs.flatMap((s) => [s.name, ...s.aliases]).sort()).toEqual(upstreamKeys().sort());
    const shape = (name: string): number[] | undefined => specs.find((s) => s.name === name)?.shape;
    expect(shape("head.splitter.0.weight")).toEqual([48, 16]);
    expect(shape("spk_to_hidden.weight")).toEqual([16, 6]);
    expect(shape("embds.embeddings.0.special.weight")).toEqual([2, 16]);
  });

  it("load upstream keys unchanged, upgrade old tunables, report mismatches together", async () => {
    const weights = initializeParameters(specs, 1);
    const full = new Map(weights);
    for (let q = 1; q < 3; q++) full.set(`embds.embeddings.${q}.special.weight`, weights.get("embds.embeddings.0.special.weight") ?? { shape: [], data: new Float32Array() });
    const path = join(dir, "upstream.safetensors");
    await writeFile(path, writeSafetensors(full, { config: JSON.stringify({ ...config, speaker_map: { "1": 0 } }), tunables: JSON.stringify({ ...tunables, query_mult: 0.5 }) }));
    const loaded = await loadSM2ACheckpoint(path);
    expect(loaded.config).toEqual(config);
    expect(loaded.tunables.query_mult).toBe(0.5);
    // Tunables.upgrade: keys an old checkpoint lacks take their old defaults.
    expect(parseSM2ATunables({}).rope).toBe(false);
    expect(parseSM2ATunables({}).force_hidden_to_emb).toBe(true);
    const again = join(dir, "again.safetensors");
    await saveSM2ACheckpoint(again, loaded);
    expect((await loadSM2ACheckpoint(again)).weights.get("val_total")?.shape).toEqual([3]);

    full.delete("head.splitter.0.bias");
    full.set("ln_post.weight", { shape: [3], data: new Float32Array(3) });
    await writeFile(path, writeSafetensors(full, { config: JSON.stringify(config), tunables: JSON.stringify(tunables) }));
    const error = await loadSM2ACheckpoint(path).catch((e: unknown) => e);
    expect(StateDictMismatchError.isInstance(error)).toBe(true);
    expect((error as StateDictMismatchError).missing).toEqual(["head.splitter.0.bias"]);
    expect((error as StateDictMismatchError).wrongShape.map((w) => w.name)).toEqual(["ln_post.weight"]);

    await writeFile(path, writeSafetensors(full, { config: JSON.stringify(config), tunables: "{}" }));
    const noRope = await loadSM2ACheckpoint(path).catch((e: unknown) => e);
    expect(SM2AConfigError.isInstance(noRope)).toBe(true);
    expect((noRope as Error).message).toMatch(/tunables\.rope = false/);
  });

  it("export to a directory and generate SNAC codes through removePattern(bricks_unrolled) with 8 streams", async () => {
    const config8 = tinyConfig({ quantizers: 8, mtoks_len: 10, ctx_n: 40 });
    const weights = initializeParameters(sm2aParameterSpecs(config8, tunables), 3);
    const out = join(dir, "onnx");
    const files = await writeSM2AExport({ config: config8, tunables, weights }, out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual(["sm2a-encoder.onnx", "sm2a-decoder.onnx", "sm2a-config.json"]);
    const generator = await openSM2AExport(out, { threads: 1 });
    const music = Array.from({ length: 8 }, () => new Array<number>(10).fill(2));
    const template = Array.from({ length: 8 }, () => new Array<number>(40).fill(0));
    const result = await generator.generate([1, 2, 3], music, new Array(6).fill(0.5), { seed: 2, template, steps: 40 });
    await generator.release();
    expect(result.patterned.shape).toEqual([1, 8, 40]);
    expect(result.codes?.shape).toEqual([1, 4, 4 * (40 / 4 - 8)]);
  });
});
