// Bad input to the t2s / sm2a / artist-emb importers: each is one PretrainedSourceError naming the
// file and the key, thrown before anything is written (the scratch folder stays empty), and no
// code from a file ever runs.
import { copyFileSync, existsSync, mkdtempSync, readdirSync, truncateSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { ARTIST_EMB_IMPORTER, PretrainedSourceError, T2S_IMPORTER, type ModelImporter } from "../src/index.js";
import { fixtures, golden } from "./upstream-checkpoints-helpers.js";

/** Runs an import expected to fail; returns its error after checking it wrote nothing. */
async function failedImport(importer: ModelImporter, path: string, options: Record<string, string> = {}): Promise<PretrainedSourceError> {
  const outputDir = mkdtempSync(join(tmpdir(), "import-bad-"));
  let caught: unknown;
  try {
    await importer.run([path], options, { outputDir, log: () => undefined });
  } catch (error) {
    caught = error;
  }
  expect(PretrainedSourceError.isInstance(caught)).toBe(true);
  expect(readdirSync(outputDir)).toEqual([]);
  return caught as PretrainedSourceError;
}

const fixture = (name: string) => join(fixtures, name);

describe("bad input to the checkpoint importers", () => {
  it("a .model of the wrong kind names the kind to use", async () => {
    const error = await failedImport(T2S_IMPORTER, fixture("sm2a.model"));
    expect(error.message).toBe(`${fixture("sm2a.model")}: config: is a sm2a model, not a t2s one; import it with autosing import sm2a`);
    const embedder = await failedImport(T2S_IMPORTER, fixture("artist_emb.model"));
    expect(embedder.message).toMatch(/is a artist-emb model, not a t2s one/);
  });

  it.each([
    ["bad-missing-key.model", "state_dict.emb_proj.bias", /missing keys: emb_proj\.bias/],
    ["bad-extra-key.model", "state_dict.emb_proj.scale", /unexpected keys: emb_proj\.scale/],
    ["bad-wrong-shape.model", "state_dict.class_head.weight", /class_head\.weight is \[3, 4\], expected \[2, 4\].*its config does not match the weights/],
    ["bad-config-mismatch.model", "state_dict.emb_proj.weight", /emb_proj\.weight is \[4, 8\], expected \[5, 8\].*its config does not match the weights/],
  ])("%s: names the file and %s", async (name, key, detail) => {
    const error = await failedImport(ARTIST_EMB_IMPORTER, fixture(name));
    expect(error.source).toBe(fixture(name));
    expect(error.key).toBe(key);
    expect(error.detail).toMatch(detail);
  });

  it("os.system pickled where a tensor belongs is refused by name, and never runs", async () => {
    const value = await failedImport(ARTIST_EMB_IMPORTER, fixture("bad-system-value.model"));
    expect(value.key).toBe("state_dict.class_head.bias");
    expect(value.detail).toMatch(/is a pickled posix\.system object, not a tensor/);
    const tensor = await failedImport(ARTIST_EMB_IMPORTER, fixture("bad-system-tensor.model"));
    expect(tensor.message).toMatch(/bad-system-tensor\.model: .*data\.pkl byte \d+ \(REDUCE\): torch\._utils\._rebuild_tensor_v2 needs a storage .*unknown global posix\.system/);
    expect(existsSync(golden.pwned_marker)).toBe(false);
  });

  it("a truncated .model is refused as truncated", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "import-truncated-")), "t2s.model");
    copyFileSync(fixture("t2s.model"), path);
    truncateSync(path, 60_000);
    const error = await failedImport(T2S_IMPORTER, path);
    expect(error.message).toMatch(/t2s\.model: zip directory: has no end-of-central-directory record: the archive is truncated/);
  });

  it("flags that do not fit the file, and a missing or extra source, say what would work", async () => {
    expect((await failedImport(T2S_IMPORTER, fixture("t2s.model"), { size: "tiny" })).detail).toMatch(/holds its own config; --config-from and --size apply to a Lightning \.ckpt only/);
    expect((await failedImport(T2S_IMPORTER, fixture("t2s-lightning.ckpt"), { size: "huge" })).detail).toMatch(/--size "huge" is not an upstream t2s size; use one of micro, tiny/);
    expect((await failedImport(T2S_IMPORTER, fixture("t2s-lightning.ckpt"), { "config-from": fixture("sm2a.model") })).message).toMatch(/sm2a\.model: config: is a sm2a model, not a t2s one/);
    expect((await failedImport(ARTIST_EMB_IMPORTER, fixture("t2s-lightning.ckpt"))).detail).toMatch(/pass --config-from <a \.model of the same network>$/);
    await expect(T2S_IMPORTER.run([], {}, { outputDir: tmpdir(), log: () => undefined })).rejects.toThrow(/takes exactly one file/);
    expect((await failedImport(T2S_IMPORTER, fixture("golden.json"))).message).toMatch(/golden\.json/);
  });
});
