import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  artistEmbedderConfig,
  artistEmbedderParameterSpecs,
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  openArtistEmbedderExport,
  saveArtistEmbedderCheckpoint,
} from "@autosing/artist-embedder";
import { initializeParameters, writeSafetensors } from "@autosing/nn";
import { DEFAULT_SM2A_TUNABLES, openSM2AExport, saveSM2ACheckpoint, sm2aParameterSpecs } from "@autosing/sm2a-model";
import type { SM2AConfig } from "@autosing/sm2a-model";
import { DEFAULT_T2S_TUNABLES, openT2SExport, saveT2SCheckpoint, t2sParameterSpecs } from "@autosing/t2s-model";
import type { T2SConfig } from "@autosing/t2s-model";
import { afterAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-export-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

const config: T2SConfig = {
  depth: 2, n_head: 2, head_width: 8, ffn_mult: 2, ttoks_len: 12, ttoks_codes: 256, ttoks_width: null,
  stoks_len: 10, stoks_codes: 17, stoks_width: 8, mtoks_len: 6, quantizers: 8, codes: 11,
};
const tunables = { ...DEFAULT_T2S_TUNABLES };

describe("autosing export", () => {
  it("exports a t2s safetensors checkpoint to ONNX graphs that generate", async () => {
    const checkpoint = join(dir, "t2s.safetensors");
    await saveT2SCheckpoint(checkpoint, { config, tunables, weights: initializeParameters(t2sParameterSpecs(config, tunables), 1) });
    const out = join(dir, "onnx");
    const result = await cli("export", checkpoint, out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split("\n").map((f) => f.slice(out.length + 1))).toEqual(["t2s-encoder.onnx", "t2s-decoder.onnx", "t2s-config.json"]);
    const generator = await openT2SExport(out, { threads: 1 });
    const music = Array.from({ length: 8 }, () => new Array<number>(6).fill(3));
    const [tokens] = await generator.generate("hi", music, { seed: 1, steps: 8 });
    await generator.release();
    expect(tokens).toHaveLength(7);
  });

  it("exports an sm2a checkpoint whose graphs generate SNAC codes", async () => {
    const sm2a: SM2AConfig = {
      depth: 2, ctx_n: 40, stoks_len: 7, stoks_codes: 9, stoks_width: 8, spk_width: 6, atoks_width: null, n_head: 2, head_width: 8,
      ffn_mult: 2, quantizers: 8, codes: 5, mtoks_len: 10, pattern: "bricks_unrolled", enc_subsample: 1,
    };
    const sm2aTunables = { ...DEFAULT_SM2A_TUNABLES };
    const checkpoint = join(dir, "sm2a.safetensors");
    await saveSM2ACheckpoint(checkpoint, { config: sm2a, tunables: sm2aTunables, weights: initializeParameters(sm2aParameterSpecs(sm2a, sm2aTunables), 1) });
    const out = join(dir, "sm2a-onnx");
    const result = await cli("export", checkpoint, out);
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("sm2a-decoder.onnx");
    const generator = await openSM2AExport(out, { threads: 1 });
    const music = Array.from({ length: 8 }, () => new Array<number>(10).fill(2));
    const template = Array.from({ length: 8 }, () => new Array<number>(40).fill(0));
    const { codes } = await generator.generate([1, 2], music, new Array(6).fill(1), { seed: 1, template });
    await generator.release();
    expect(codes?.shape).toEqual([1, 4, 8]);
  });

  it("exports an artist embedder checkpoint to a graph that embeds 30 s chunks as 3 windows", async () => {
    const embedderConfig = artistEmbedderConfig(3, { depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, codes: 16, ctx_n: 16, emb_width: 12 });
    const embedderTunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
    const weights = initializeParameters(artistEmbedderParameterSpecs(embedderConfig, embedderTunables), 4);
    const checkpoint = join(dir, "artist.safetensors");
    await saveArtistEmbedderCheckpoint(checkpoint, { config: embedderConfig, tunables: embedderTunables, weights });
    const out = join(dir, "artist-onnx");
    const result = await cli("export", checkpoint, out);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("artist-embedder.onnx");
    const embedder = await openArtistEmbedderExport(out, { threads: 1 });
    const tokens = Int32Array.from({ length: 4 * 48 }, (_, i) => (i * 7) % 16);
    const embeddings = await embedder.embedAudioTokens({ data: tokens, shape: [4, 48] });
    await embedder.release();
    expect(embeddings.shape).toEqual([3, 12]);
    const rejected = await cli("export", checkpoint, join(dir, "artist-int8"), "--decoder-weights", "int8");
    expect(rejected.code).toBe(ExitCode.usage);
    expect(rejected.stderr).toContain("the artist embedder has no decoder");
  });

  it("exports int8 decoder weights on request and rejects an unknown weight type", async () => {
    const checkpoint = join(dir, "t2s-int8.safetensors");
    await saveT2SCheckpoint(checkpoint, { config, tunables, weights: initializeParameters(t2sParameterSpecs(config, tunables), 3) });
    const ok = await cli("export", checkpoint, join(dir, "int8"), "--decoder-weights", "int8");
    expect(ok.stderr).toBe("");
    const generator = await openT2SExport(join(dir, "int8"), { threads: 1 });
    const [tokens] = await generator.generate("hi", Array.from({ length: 8 }, () => new Array<number>(6).fill(3)), { seed: 1, steps: 6 });
    await generator.release();
    expect(tokens).toHaveLength(5);
    const bad = await cli("export", checkpoint, join(dir, "bad"), "--decoder-weights", "int4");
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toBe('autosing export: --decoder-weights must be float32 or int8, got "int4"\n');
  });

  it("reads a trainer checkpoint directory (model.safetensors + config.json)", async () => {
    const trainerDir = join(dir, "trainer");
    mkdirSync(trainerDir);
    const weights = initializeParameters(t2sParameterSpecs(config, tunables), 2);
    writeFileSync(join(trainerDir, "model.safetensors"), writeSafetensors(weights, { format: "pt" }));
    writeFileSync(join(trainerDir, "config.json"), JSON.stringify({ model: "t2s", config, tunables }));
    const result = await cli("export", trainerDir, join(dir, "onnx2"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
  });

  it("fails on one line naming the problem: missing file, missing keys", async () => {
    const missing = await cli("export", join(dir, "nope.safetensors"), join(dir, "x"));
    expect(missing.code).toBe(ExitCode.fileSystem);
    expect(missing.stderr).toMatch(/^autosing export: .*nope\.safetensors/);
    const partial = join(dir, "partial.safetensors");
    writeFileSync(partial, writeSafetensors(new Map([["lang_embeddings.weight", { shape: [99, 16], data: new Float32Array(99 * 16) }]]), { config: JSON.stringify(config), tunables: "{}" }));
    const result = await cli("export", partial, join(dir, "y"));
    expect(result.code).toBe(ExitCode.modelProblem);
    expect(result.stderr).toMatch(/^autosing export: state dict does not match the model: missing keys: cps_embeddings\.weight, /);
  });
});
