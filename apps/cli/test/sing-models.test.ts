/** `autosing sing --models <dir>`: which networks it takes from the directory, and what it says about the rest. */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { recordModels } from "@autosing/pretrained";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { singModelRows } from "../src/commands/sing.js";
import { ExitCode } from "../src/index.js";
import { cli } from "./helpers/run-cli.js";

let root: string;
let models: string;
let reference: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-sing-models-"));
  models = join(root, "models");
  await mkdir(join(models, "default-codec"), { recursive: true });
  await writeFile(join(models, "default-codec", "codec.json"), "{}");
  await recordModels(models, { "default-codec": { kind: "default-codec", files: { codec: "codec.json" } } });
  reference = join(root, "song.wav");
  await writeFile(reference, "not decoded: the options fail first");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("autosing sing --models", () => {
  it("asks the directory for the tokenizer only when extracting, and for the separator only without stems", () => {
    const needs = (flags: Parameters<typeof singModelRows>[0]) => singModelRows(flags).map((row) => row.need);
    expect(needs({})).toEqual(["codec", "t2sModel", "sm2aModel", "artistModel", "separator"]);
    expect(needs({ genSemantic: false, vocals: "v.wav" })).toEqual(["codec", "tokenizer", "sm2aModel", "artistModel"]);
    expect(needs({ semfile: "s.wav" })).toContain("tokenizer");
  });

  it("takes what the directory has, says once what it lacks, then fails as without --models", async () => {
    const result = await cli("sing", reference, "--models", models, "--lyrics", "a\\nb", "--separator", "truth:x", "--t2s-model", join(root, "t2s"));
    expect(result.code).toBe(ExitCode.usage);
    const lines = result.stderr.split("\n").filter(Boolean);
    expect(lines[0]).toBe(`autosing sing: --codec default:${join(models, "default-codec", "codec.json")} (model "default-codec", default-codec, demo-grade, from --models)`);
    // --t2s-model and --separator were given: the directory is not asked for them.
    expect(lines.slice(1, 3)).toEqual([
      `autosing sing: ${models} has no sm2a model (autosing import sm2a <sm2a .model>); running as without --models: --sm2a-model is not given`,
      `autosing sing: ${models} has no artist embedder (autosing import artist-emb <artist_emb.model>); running as without --models: --artist-model is not given`,
    ]);
    expect(lines[3]).toMatch(/--sm2a-model/);
    expect(lines).toHaveLength(4);
  });
});
