import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { PretrainedSourceError } from "../errors.js";
import { ModelsDirectoryError, ModelsManifestError } from "./errors.js";
import { MODEL_KINDS } from "./model-kinds.js";
import { recordModels } from "./record-models.js";
import { resolveModels } from "./resolve-models.js";
import { readSemanticEmbeddings } from "./semantic-embeddings.js";

let root: string;

async function touch(path: string, text = "x"): Promise<void> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, text);
}

/** A models directory as the demo leaves it: default codec and tokenizer, three trained models. */
async function demoLikeDirectory(dir: string): Promise<void> {
  await touch(join(dir, "default-codec", "codec.json"));
  await touch(join(dir, "default-tokenizer", "tokenizer.json"));
  for (const name of ["artist-emb", "t2s", "sm2a"]) {
    await touch(join(dir, name, "export", "config.json"));
    await touch(join(dir, name, "checkpoint", "model.safetensors"));
  }
  const trained = { files: { export: "export", checkpoint: "checkpoint" } };
  await recordModels(
    dir,
    {
      "default-codec": { kind: "default-codec", files: { codec: "codec.json" } },
      "default-tokenizer": { kind: "default-tokenizer", files: { tokenizer: "tokenizer.json" } },
      "artist-emb": { kind: "artist-emb", ...trained },
      t2s: { kind: "t2s", ...trained, details: { size: "micro" } },
      sm2a: { kind: "sm2a", ...trained },
    },
    { autosingVersion: "1.2.3" },
  );
}

async function failure(work: Promise<unknown>): Promise<Error> {
  return work.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: unknown) => error as Error,
  );
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-resolve-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("resolveModels", () => {
  it("gives every consumer its flag's value from a demo-like directory", async () => {
    const dir = join(root, "demo");
    await demoLikeDirectory(dir);
    const { networks, ambiguous, ignored } = await resolveModels(dir);
    expect(Object.fromEntries(Object.entries(networks).map(([need, network]) => [need, network.value]))).toEqual({
      codec: `default:${join(dir, "default-codec", "codec.json")}`,
      tokenizer: `default:${join(dir, "default-tokenizer", "tokenizer.json")}`,
      artistModel: join(dir, "artist-emb", "export"),
      artistCheckpoint: join(dir, "artist-emb", "checkpoint"),
      t2sModel: join(dir, "t2s", "export"),
      t2sCheckpoint: join(dir, "t2s", "checkpoint"),
      sm2aModel: join(dir, "sm2a", "export"),
      sm2aCheckpoint: join(dir, "sm2a", "checkpoint"),
    });
    expect(networks.codec?.demoGrade).toBe(true);
    expect(networks.t2sModel?.demoGrade).toBe(false);
    expect(ambiguous).toEqual({});
    expect(ignored).toEqual([]);
    // Recorded models have no sources and no import time: the manifest's bytes depend on the models only.
    const text = await readFile(join(dir, "models.json"), "utf8");
    expect(text).not.toMatch(/imported/);
    expect(JSON.parse(text)).toMatchObject({ models: { t2s: { kind: "t2s", sources: [], autosing: "1.2.3", details: { size: "micro" } } } });
  });

  it("prefers an imported SNAC codec to the demo's default codec (the kind table's order)", async () => {
    const dir = join(root, "snac-wins");
    await demoLikeDirectory(dir);
    await touch(join(dir, "snac", "encoder.onnx"));
    await touch(join(dir, "snac", "decoder.onnx"));
    await recordModels(dir, { snac: { kind: "snac", files: { encoder: "encoder.onnx", decoder: "decoder.onnx" } } });
    const { networks } = await resolveModels(dir);
    expect(networks.codec).toMatchObject({ value: `snac:${join(dir, "snac")}`, model: "snac", kind: "snac" });
    expect(Object.keys(MODEL_KINDS).indexOf("snac")).toBeLessThan(Object.keys(MODEL_KINDS).indexOf("default-codec"));
  });

  it("keeps and ignores a model of a kind it does not know", async () => {
    const dir = join(root, "future");
    await demoLikeDirectory(dir);
    const manifest = JSON.parse(await readFile(join(dir, "models.json"), "utf8")) as { models: Record<string, unknown> };
    manifest.models["pitch"] = { kind: "pitch-tracker", files: { model: "pitch.onnx" }, sources: [], autosing: "2.0.0", details: {} };
    await writeFile(join(dir, "models.json"), JSON.stringify(manifest));
    const resolved = await resolveModels(dir);
    expect(resolved.ignored).toEqual([{ name: "pitch", kind: "pitch-tracker" }]);
  });
});

describe("bad models directories fail naming the file and the key", () => {
  it("a directory that does not exist, or has no models.json", async () => {
    const missing = await failure(resolveModels(join(root, "nothing")));
    expect(ModelsDirectoryError.isInstance(missing)).toBe(true);
    expect(missing.message).toMatch(/nothing: does not exist; create it with "autosing import <kind> <source…> --models/);
    await mkdir(join(root, "plain"));
    expect((await failure(resolveModels(join(root, "plain")))).message).toMatch(/plain: has no models\.json, so it is not a models directory/);
  });

  it("a manifest that is not JSON, of a newer version, or with a key of the wrong type", async () => {
    const dir = join(root, "bad");
    await mkdir(dir);
    const file = join(dir, "models.json");
    const cases: [string, RegExp][] = [
      ["{ not json", /models\.json: is not JSON/],
      [JSON.stringify({ format: "autosing-models", version: 2, models: {} }), /models\.json: version: must be 1 \(a newer autosing wrote this file/],
      [JSON.stringify({ format: "other", version: 1, models: {} }), /models\.json: format: /],
      [JSON.stringify({ format: "autosing-models", version: 1, models: { t2s: { kind: "t2s", files: { export: 3 }, sources: [], autosing: "1", details: {} } } }), /models\.json: models\.t2s\.files\.export: /],
      [JSON.stringify({ format: "autosing-models", version: 1, models: { t2s: { kind: "t2s", files: { export: "../../etc" }, sources: [], autosing: "1", details: {} } } }), /models\.t2s\.files\.export: must be a path inside the model's folder/],
      [JSON.stringify({ format: "autosing-models", version: 1, models: { ".hidden": { kind: "t2s", files: {}, sources: [], autosing: "1", details: {} } } }), /models\.\.hidden: is not a model name/],
    ];
    for (const [text, expected] of cases) {
      await writeFile(file, text);
      const error = await failure(resolveModels(dir));
      expect(ModelsManifestError.isInstance(error), text).toBe(true);
      expect(error.message).toMatch(expected);
      expect(error.message.startsWith(file)).toBe(true);
    }
  });

  it("a recorded file that is missing, and an entry without a role its kind needs", async () => {
    const dir = join(root, "lost");
    await demoLikeDirectory(dir);
    await rm(join(dir, "sm2a", "export"), { recursive: true });
    const lost = await failure(resolveModels(dir));
    expect(ModelsManifestError.isInstance(lost)).toBe(true);
    expect(lost.message).toBe(`${join(dir, "models.json")}: models.sm2a.files.export: ${join(dir, "sm2a", "export")} is missing; import the model again (autosing import sm2a … --force)`);

    const partial = join(root, "partial");
    await demoLikeDirectory(partial);
    const manifest = JSON.parse(await readFile(join(partial, "models.json"), "utf8")) as { models: { t2s: { files: Record<string, string> } } };
    delete manifest.models.t2s.files.checkpoint;
    await writeFile(join(partial, "models.json"), JSON.stringify(manifest));
    expect((await failure(resolveModels(partial))).message).toMatch(/models\.t2s\.files: lacks the "checkpoint" file a t2s model records/);
  });

  it("semantic embeddings that are not there or not a codebook", async () => {
    const demo = join(root, "demo");
    const none = await failure(readSemanticEmbeddings(demo));
    expect(PretrainedSourceError.isInstance(none)).toBe(true);
    expect(none.message).toMatch(/demo: is a models directory without a BN-Whisper model \(autosing downloads nothing/);
    expect((await failure(readSemanticEmbeddings("streich/bn_whisper"))).message).toMatch(/^streich\/bn_whisper: does not exist \(autosing downloads nothing: import BN-Whisper/);
    const wrong = join(root, "wrong.safetensors");
    const { writeSafetensors } = await import("@autosing/safetensors");
    await writeFile(wrong, writeSafetensors(new Map([["codebook", { shape: [2, 2], data: new Float32Array(4) }]])));
    expect((await failure(readSemanticEmbeddings(wrong))).message).toBe(`${wrong}: embeddings: has no tensor "embeddings" (it has codebook); it is not a BN-Whisper semantic-embeddings file`);
  });
});
