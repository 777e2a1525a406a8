import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { temporaryHostName } from "@autosing/base";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

import { PretrainedSourceError } from "../errors.js";
import { TEST_IMPORTER, runs, writeCodebook } from "./__fixtures__/test-importer.js";
import { ImporterContractError, ModelsUsageError } from "./errors.js";
import { importModel } from "./import-model.js";
import { parseManifest } from "./manifest.js";
import { networkFor, resolveModels } from "./resolve-models.js";
import { readSemanticEmbeddings } from "./semantic-embeddings.js";

let root: string;
let codebook: string;
let codebookValues: Float32Array;
const NOW = new Date("2025-01-02T03:04:05.000Z");

/** Every file under `folder` (hidden ones too) with the SHA-256 of its bytes: the directory byte for byte. */
async function snapshot(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else out[`${prefix}${entry.name}`] = createHash("sha256").update(await readFile(path)).digest("hex");
    }
  };
  await walk(folder, "");
  return out;
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-models-dir-"));
  codebook = join(root, "rvq.safetensors");
  codebookValues = await writeCodebook(codebook, 9, 4, 1);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
beforeEach(() => {
  runs.count = 0;
});

describe("importModel", () => {
  it("imports into a new models directory, records the sources and resolves what consumers need", async () => {
    const dir = join(root, "fresh");
    const lines: string[] = [];
    const record = await importModel(dir, TEST_IMPORTER, [codebook], {}, { log: (l) => lines.push(l), now: NOW, autosingVersion: "9.9.9" });
    expect(record.name).toBe("bn-whisper");
    expect(record.folder).toBe(join(dir, "bn-whisper"));
    expect(lines[0]).toBe("codebook 9 × 4");

    const manifest = parseManifest(await readFile(join(dir, "models.json"), "utf8"), "models.json");
    const sha256 = createHash("sha256").update(await readFile(codebook)).digest("hex");
    expect(manifest).toEqual({
      format: "autosing-models",
      version: 1,
      models: {
        "bn-whisper": {
          kind: "bn-whisper",
          files: { tokenizer: "tokenizer.onnx", semanticEmbeddings: "semantic-embeddings.safetensors" },
          sources: [{ path: codebook, bytes: (await stat(codebook)).size, sha256 }],
          imported: "2025-01-02T03:04:05.000Z",
          autosing: "9.9.9",
          details: { vq_codes: 8, codebook_dim: 4 },
        },
      },
    });
    // Only the model folder and the manifest: no scratch folder is left.
    expect((await readdir(dir)).sort()).toEqual(["bn-whisper", "models.json"]);

    const resolved = await resolveModels(dir);
    expect(resolved.networks.tokenizer).toEqual({ need: "tokenizer", value: `bn-whisper:${join(dir, "bn-whisper", "tokenizer.onnx")}`, model: "bn-whisper", kind: "bn-whisper", demoGrade: false });
    expect(resolved.networks.semanticEmbeddings?.value).toBe(join(dir, "bn-whisper", "semantic-embeddings.safetensors"));
    expect(resolved.networks.codec).toBeUndefined();

    // The frozen embeddings read back equal the codebook, from the file, the model folder or the models directory.
    for (const location of [resolved.networks.semanticEmbeddings?.value as string, join(dir, "bn-whisper"), dir]) {
      const embeddings = await readSemanticEmbeddings(location);
      expect([embeddings.codes, embeddings.width]).toEqual([9, 4]);
      expect(embeddings.data).toEqual(codebookValues);
    }
  });

  it("refuses a taken name without --force and leaves the directory byte for byte as it was", async () => {
    const dir = join(root, "taken");
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { now: NOW });
    const before = await snapshot(dir);
    runs.count = 0;
    const refused = await importModel(dir, TEST_IMPORTER, [codebook], {}).catch((e: unknown) => e);
    expect(ModelsUsageError.isInstance(refused)).toBe(true);
    expect((refused as Error).message).toMatch(/already has a model named "bn-whisper" \(a bn-whisper\); pass --force to replace it/);
    expect(runs.count).toBe(0);
    expect(await snapshot(dir)).toEqual(before);

    // A folder of that name that the manifest does not know is refused as well.
    await mkdir(join(dir, "stray"));
    await expect(importModel(dir, TEST_IMPORTER, [codebook], {}, { name: "stray" })).rejects.toThrow(/stray exists but is not in models\.json/);
  });

  it("replaces a model with --force and keeps several of a kind under --name", async () => {
    const dir = join(root, "force");
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { now: NOW });
    const other = join(root, "other.safetensors");
    const otherValues = await writeCodebook(other, 5, 4, 2);
    await importModel(dir, TEST_IMPORTER, [other], {}, { force: true, now: NOW });
    expect((await readSemanticEmbeddings(dir)).data).toEqual(otherValues);
    expect((await readdir(dir)).sort()).toEqual(["bn-whisper", "models.json"]);

    // A second model of the kind: the one named like the kind still wins.
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { name: "bn-whisper-old" });
    const resolved = await resolveModels(dir);
    expect(resolved.networks.semanticEmbeddings?.model).toBe("bn-whisper");
    expect(Object.keys(resolved.manifest.models).sort()).toEqual(["bn-whisper", "bn-whisper-old"]);
  });

  it("refuses to choose between two models of a kind when neither is named like it", async () => {
    const dir = join(root, "ambiguous");
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { name: "a" });
    expect(networkFor(await resolveModels(dir), "tokenizer")?.model).toBe("a");
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { name: "b" });
    const resolved = await resolveModels(dir);
    expect(resolved.ambiguous.tokenizer).toEqual(["a", "b"]);
    expect(() => networkFor(resolved, "tokenizer")).toThrow(/has 2 models that can serve as semantic tokenizer \(a, b\) and none is named like its kind/);
    // A need no command asks for is not an error by itself.
    expect(networkFor(resolved, "codec")).toBeUndefined();
  });

  it("leaves an existing directory byte for byte unchanged when the importer fails half-way", async () => {
    const dir = join(root, "failing");
    await importModel(dir, TEST_IMPORTER, [codebook], {}, { now: NOW });
    const before = await snapshot(dir);
    const failed = await importModel(dir, TEST_IMPORTER, [codebook], { fail: "broken on purpose" }, { force: true }).catch((e: unknown) => e);
    expect(PretrainedSourceError.isInstance(failed)).toBe(true);
    expect((failed as Error).message).toBe(`${codebook}: rq.layers.0._codebook.embed: broken on purpose`);
    expect(runs.count).toBe(2);
    expect(await snapshot(dir)).toEqual(before);
  });

  it("removes a directory it created when the first import fails", async () => {
    const dir = join(root, "never");
    await expect(importModel(dir, TEST_IMPORTER, [codebook], { fail: "no" })).rejects.toThrow(/no$/);
    expect(await exists(dir)).toBe(false);
  });

  it("checks that every source exists before the importer runs", async () => {
    const dir = join(root, "missing-source");
    const missing = join(root, "nowhere", "rvq.model");
    const failed = await importModel(dir, TEST_IMPORTER, [missing], {}).catch((e: unknown) => e);
    expect(PretrainedSourceError.isInstance(failed)).toBe(true);
    expect((failed as Error).message).toBe(`${missing}: does not exist`);
    expect(runs.count).toBe(0);
    expect(await exists(dir)).toBe(false);
  });

  it("refuses a bad name and an option the importer does not have", async () => {
    await expect(importModel(join(root, "x"), TEST_IMPORTER, [codebook], {}, { name: "../escape" })).rejects.toThrow(/--name: "\.\.\/escape" is not a model name/);
    await expect(importModel(join(root, "x"), TEST_IMPORTER, [codebook], { size: "tiny" })).rejects.toThrow(/--size: is not an option of the bn-whisper importer \(it takes --fail, --break-contract\)/);
    expect(runs.count).toBe(0);
  });

  it("refuses an importer that returns a file it did not write, and writes nothing", async () => {
    const dir = join(root, "contract");
    const failed = await importModel(dir, TEST_IMPORTER, [codebook], { "break-contract": "elsewhere.onnx" }).catch((e: unknown) => e);
    expect(ImporterContractError.isInstance(failed)).toBe(true);
    expect((failed as Error).message).toMatch(/the bn-whisper importer returned "tokenizer": "elsewhere\.onnx", which it did not write/);
    expect(await exists(dir)).toBe(false);
    await expect(importModel(dir, TEST_IMPORTER, [codebook], { "break-contract": "../out.onnx" })).rejects.toThrow(/not a path inside the model's folder/);
  });

  it("removes the scratch folders of dead imports and keeps a live one's", async () => {
    const dir = join(root, "stale");
    await mkdir(dir, { recursive: true });
    const dead = join(dir, `.bn-whisper.${temporaryHostName()}.99999999.1.tmp`);
    const live = join(dir, `.bn-whisper.${temporaryHostName()}.${process.pid}.999.tmp`);
    for (const folder of [dead, live]) {
      await mkdir(folder);
      await writeFile(join(folder, "partial.onnx"), "half");
    }
    await importModel(dir, TEST_IMPORTER, [codebook], {});
    expect(await exists(dead)).toBe(false);
    expect(await exists(live)).toBe(true);
  });
});
