// The t2s, sm2a and artist-emb importers against the upstream code itself: files written by
// upstream save_model (and a hand-built Lightning .ckpt), imported, then loaded the way autosing
// consumes them; their outputs for the upstream fixture's inputs match upstream's forward.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

import { unflattenSnac } from "@autosing/audio-codec";
import { openArtistEmbedderExport } from "@autosing/artist-embedder";
import { tf, useTfBackend } from "@autosing/nn";
import { relativeError } from "@autosing/nn/testing";
import { SM2ATfModel, loadSM2ACheckpoint } from "@autosing/sm2a-model";
import { T2STfModel, loadT2SCheckpoint, openT2SExport } from "@autosing/t2s-model";
import { beforeAll, describe, expect, it } from "vitest";

import { ARTIST_EMB_IMPORTER, SM2A_IMPORTER, T2S_IMPORTER } from "../src/index.js";
import { argmaxRows, fixtures, golden, runImport } from "./upstream-checkpoints-helpers.js";

beforeAll(async () => {
  await useTfBackend("cpu");
});

/** The t2s logits of an imported checkpoint folder for the golden inputs (tfjs forward, as training runs it). */
async function t2sLogits(checkpointDir: string): Promise<Float32Array> {
  const checkpoint = await loadT2SCheckpoint(checkpointDir);
  const { config } = checkpoint;
  const model = new T2STfModel(config, checkpoint.tunables, checkpoint.weights);
  const { inputs } = golden.t2s;
  const batch = inputs.languages.length;
  try {
    return tf.tidy(() =>
      model
        .forward({
          inTtoks: tf.tensor2d(inputs.ttoks, [batch, config.ttoks_len], "int32"),
          languages: tf.tensor1d(inputs.languages, "int32"),
          cps: tf.tensor1d(inputs.cps, "float32"),
          inStoks: tf.tensor2d(inputs.stoks, [batch, config.stoks_len], "int32"),
          mtoks: tf.tensor3d(inputs.mtoks, [batch, config.quantizers, config.mtoks_len], "int32"),
        })
        .dataSync() as Float32Array,
    );
  } finally {
    model.dispose();
  }
}

function expectMatchesUpstream(actual: Float32Array, expected: number[], vocab: number): void {
  expect(actual.length).toBe(expected.length);
  const error = relativeError(actual, expected);
  console.log(`imported logits vs upstream forward: relative error ${error.toExponential(2)} over ${actual.length} values`);
  expect(error).toBeLessThan(1e-4);
  expect(argmaxRows(actual, vocab)).toEqual(argmaxRows(expected, vocab));
}

describe("import t2s", () => {
  it("a .model: checkpoint logits equal upstream TM2STransformer.forward; the export and config.json are what export/train read", async () => {
    const { outputDir, result } = await runImport(T2S_IMPORTER, "t2s.model");
    expect(result.files).toEqual({ checkpoint: "checkpoint", export: "export" });
    expect(result.details).toMatchObject({ model: "t2s", source: "model", size: null, config: { depth: 2, n_head: 2, stoks_width: 8 } });
    expectMatchesUpstream(await t2sLogits(join(outputDir, "checkpoint")), golden.t2s.logits, golden.t2s.shape.at(-1) as number);
    const saved = JSON.parse(readFileSync(join(outputDir, "checkpoint", "config.json"), "utf8")) as { model: string };
    expect(saved.model).toBe("t2s");
    const generator = await openT2SExport(join(outputDir, "export"), { threads: 1 });
    await generator.release();
  });

  it("a Lightning .ckpt with --config-from: the same logits; optimizer, scheduler and callbacks are ignored", async () => {
    const { outputDir, result } = await runImport(T2S_IMPORTER, "t2s-lightning.ckpt", { "config-from": join(fixtures, "t2s.model") });
    expect(result.details).toMatchObject({ source: "lightning" });
    expectMatchesUpstream(await t2sLogits(join(outputDir, "checkpoint")), golden.t2s.logits, golden.t2s.shape.at(-1) as number);
  });

  it("a Lightning .ckpt with a --size that does not match its weights: names the file, a key and the config", async () => {
    await expect(runImport(T2S_IMPORTER, "t2s-lightning.ckpt", { size: "micro" })).rejects.toThrow(
      /t2s-lightning\.ckpt: state_dict\.[\w.]+: state dict does not match the model: .* — the config from .*--size micro\) does not match the weights/,
    );
    await expect(runImport(T2S_IMPORTER, "t2s-lightning.ckpt")).rejects.toThrow(/holds weights but no config; pass --config-from <a \.model of the same network> or --size <micro\|/);
  });
});

describe("import sm2a", () => {
  it("a .model: logits equal upstream SM2ATransformer.forward; speaker_map and _extra_state are reported as dropped", async () => {
    const { outputDir, result, log } = await runImport(SM2A_IMPORTER, "sm2a.model");
    expect(result.details).toMatchObject({ model: "sm2a", dropped_keys: { config: ["speaker_map"], tunables: [], state_dict: ["_extra_state"] } });
    expect(log.join("\n")).toMatch(/dropped config keys autosing does not use: speaker_map/);
    const checkpoint = await loadSM2ACheckpoint(join(outputDir, "checkpoint"));
    const { config } = checkpoint;
    const { inputs } = golden.sm2a;
    const batch = 2;
    const model = new SM2ATfModel(config, checkpoint.tunables, checkpoint.weights);
    const logits = tf.tidy(
      () =>
        model
          .forward({
            stoks: tf.tensor2d(inputs.stoks, [batch, config.stoks_len], "int32"),
            speakers: tf.tensor2d(inputs.speakers, [batch, config.spk_width as number]),
            mtoks: tf.tensor3d(inputs.mtoks, [batch, config.quantizers, config.mtoks_len], "int32"),
            atoks: tf.tensor3d(inputs.atoks, [batch, config.quantizers, config.ctx_n], "int32"),
          })
          .dataSync() as Float32Array,
    );
    model.dispose();
    expectMatchesUpstream(logits, golden.sm2a.logits, golden.sm2a.shape.at(-1) as number);
  });
});

describe("import artist-emb", () => {
  it("artist_emb.model: the exported ONNX embedder gives upstream Embedder's embeddings", async () => {
    const { outputDir, result } = await runImport(ARTIST_EMB_IMPORTER, "artist_emb.model");
    expect(result.details).toMatchObject({ model: "artist_emb", config: { emb_width: 6, num_classes: 3 } });
    const embedder = await openArtistEmbedderExport(join(outputDir, "export"), { threads: 1 });
    try {
      const dense = unflattenSnac({ data: Int32Array.from(golden.artist_emb.inputs.flattened), shape: [2, 15, 2] });
      const embedding = await embedder.embedWindows(dense.data, 2);
      const error = relativeError(embedding, golden.artist_emb.embedding);
      console.log(`imported embedder vs upstream Embedder.forward: relative error ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-4);
    } finally {
      await embedder.release();
    }
    expect(existsSync(join(outputDir, "checkpoint", "model.safetensors"))).toBe(true);
  });
});
