// Bad input to `autosing import frame-classifier`: each is one PretrainedSourceError naming the file
// and, where there is one, the key, thrown before anything is written; no code from a file runs.
import { copyFileSync, existsSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { FRAME_CLASSIFIER_IMPORTER, PretrainedSourceError } from "../src/index.js";
import { FIXTURES, editedDirectory, scratch } from "./frame-classifier-helpers.js";

async function failedImport(dir: string): Promise<PretrainedSourceError> {
  const outputDir = mkdtempSync(join(tmpdir(), "fc-bad-"));
  let caught: unknown;
  try {
    await FRAME_CLASSIFIER_IMPORTER.run([dir], {}, { outputDir, log: () => undefined });
  } catch (error) {
    caught = error;
  }
  expect(PretrainedSourceError.isInstance(caught)).toBe(true);
  expect(readdirSync(outputDir)).toEqual([]);
  return caught as PretrainedSourceError;
}

const K_BIAS = "wav2vec2.encoder.layers.1.attention.k_proj.bias";

describe("bad input to the frame-classifier importer", () => {
  it("one missing key is named as the error's key", async () => {
    const dir = await editedDirectory("stable-ctc", (state) => new Map([...state].filter(([key]) => key !== K_BIAS)));
    const error = await failedImport(dir);
    expect(error.source).toBe(join(dir, "model.safetensors"));
    expect(error.key).toBe(K_BIAS);
    expect(error.detail).toMatch(/missing key wav2vec2\.encoder\.layers\.1\.attention\.k_proj\.bias/);
  });

  it("every missing and unexpected key is listed at once", async () => {
    const dir = await editedDirectory("group-frame", (state) => {
      const out = new Map([...state].filter(([key]) => key !== K_BIAS && key !== "classifier.bias"));
      out.set("wav2vec2.adapter.proj.weight", { shape: [1], data: new Float32Array(1) });
      return out;
    });
    const error = await failedImport(dir);
    expect(error.key).toBeUndefined();
    expect(error.detail).toMatch(/missing keys .*k_proj\.bias, classifier\.bias; unexpected key wav2vec2\.adapter\.proj\.weight/);
  });

  it("a config that does not match the weights names config.json and the misshapen tensors", async () => {
    const dir = await editedDirectory("stable-ctc", undefined, (config) => ({ ...config, intermediate_size: 48 }));
    const error = await failedImport(dir);
    expect(error.detail).toMatch(/do not match .*config\.json \(is it the config of these weights\?\).*intermediate_dense\.weight is \[64, 32\], expected \[48, 32\]/);
  });

  it.each([
    ["add_adapter", true, /adapters \(add_adapter\) are not supported/],
    ["feat_extract_norm", "batch", /is "batch", expected "group" or "layer"/],
    ["hidden_act", "swish", /is "swish"; the importer builds "gelu" \(exact\) and "relu" only/],
    ["conv_stride", [5, 2], /one entry per conv layer; got 3, 3, 2/],
    ["model_type", "hubert", /only wav2vec2/],
  ])("config.json %s = %j is refused by key", async (key, value, detail) => {
    const dir = await editedDirectory("group-frame", undefined, (config) => ({ ...config, [key]: value }));
    const error = await failedImport(dir);
    expect(error.source).toBe(join(dir, "config.json"));
    expect(error.key).toBe(key === "conv_stride" ? "conv_dim" : key);
    expect(error.detail).toMatch(detail);
  });

  it("a pickled os.system in pytorch_model.bin is refused by name and never runs", async () => {
    const dir = scratch("fc-hostile-");
    copyFileSync(join(FIXTURES, "stable-ctc", "config.json"), join(dir, "config.json"));
    copyFileSync(join(FIXTURES, "hostile", "pytorch_model.bin"), join(dir, "pytorch_model.bin"));
    const error = await failedImport(dir);
    expect(error.source).toBe(join(dir, "pytorch_model.bin"));
    expect(error.key).toBe("lm_head.bias");
    expect(error.detail).toMatch(/is a pickled posix\.system object, not a tensor/);
    expect(existsSync("/tmp/autosing-fc-pwned")).toBe(false);
  });

  it("masked_spec_embed (training only) is accepted whether the config keeps it or not", async () => {
    const dir = await editedDirectory("group-frame", undefined, (config) => ({ ...config, mask_time_prob: 0 }));
    const outputDir = scratch("fc-masked-");
    await FRAME_CLASSIFIER_IMPORTER.run([dir], {}, { outputDir, log: () => undefined });
    expect(readdirSync(outputDir)).toContain("model.onnx");
  });

  it("a directory without weights says which files it looked for", async () => {
    const dir = scratch("fc-empty-");
    copyFileSync(join(FIXTURES, "stable-ctc", "config.json"), join(dir, "config.json"));
    expect((await failedImport(dir)).detail).toBe("holds no wav2vec2 weights (looked for pytorch_model.bin, model.safetensors)");
  });
});
