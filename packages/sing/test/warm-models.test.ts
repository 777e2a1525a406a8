import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type SingModels, type SingOptions, SingOptionError, loadSingModels, sing } from "../src/index.js";
import { type SingFixtures, fixtureSingOptions, makeSingFixtures } from "./fixtures.js";

let root: string;
let fixtures: SingFixtures;
let models: SingModels;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-sing-warm-"));
  fixtures = await makeSingFixtures(root);
  models = await loadSingModels({ codec: fixtures.codec, t2sModel: fixtures.models.t2s, sm2aModel: fixtures.models.sm2a, artistModel: fixtures.models.artist, tokenizer: undefined, threads: 1, generateSemantic: true });
}, 120_000);

afterAll(async () => {
  await models?.dispose();
  await rm(root, { recursive: true, force: true });
});

function options(outputDir: string, overrides: Partial<SingOptions> = {}): SingOptions {
  return fixtureSingOptions(fixtures, { outputDir, seed: 5, ...overrides });
}

describe("sing on models loaded once", () => {
  it("gives the plain sing's bytes on two runs of one loaded set, and leaves the models loaded", async () => {
    const plain = await sing(options(join(root, "plain")));
    const stages: string[] = [];
    const first = await sing(options(join(root, "warm-1"), { onProgress: (event) => event.kind === "start" && stages.push(event.stage) }), { models });
    const second = await sing(options(join(root, "warm-2")), { models });
    const bytes = async (file: string | undefined): Promise<Buffer> => readFile(file ?? "");
    // Three runs, three folders: equal bytes are equal results, not one file read three times.
    expect(new Set([plain.files[0], first.files[0], second.files[0]]).size).toBe(3);
    expect(await bytes(first.files[0])).toEqual(await bytes(plain.files[0]));
    expect(await bytes(second.files[0])).toEqual(await bytes(plain.files[0]));
    expect(first.semanticTokens).toEqual(plain.semanticTokens);
    // Nothing is loaded: the load stage is skipped.
    expect(stages[0]).toBe("separate");
    expect(stages).not.toContain("load");
  }, 120_000);

  it("refuses to extract semantic tokens with loaded models that have no tokenizer", async () => {
    await expect(sing(options(join(root, "extract"), { genSemantic: false, tokenizer: fixtures.tokenizer }), { models })).rejects.toSatisfy((error) => SingOptionError.isInstance(error) && /no semantic tokenizer/.test((error as Error).message));
  });

  it("stops at the next stage or step when its signal is aborted", async () => {
    const controller = new AbortController();
    const run = sing(
      options(join(root, "aborted"), {
        signal: controller.signal,
        onProgress: (event) => {
          if (event.kind === "step") controller.abort(new Error("cancelled by the test"));
        },
      }),
      { models },
    );
    await expect(run).rejects.toThrow("cancelled by the test");
  }, 60_000);
});
