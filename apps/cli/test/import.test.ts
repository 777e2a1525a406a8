/**
 * `autosing import` and `autosing models list` end to end through commander and the exit-code
 * table: a small test importer for the directory's own rules, and the real registry on the
 * published-format fixtures of @autosing/pretrained (made by the upstream code, see its scripts/golden).
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { writeSafetensors } from "@autosing/safetensors";
import { Command } from "commander";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { registerImportCommand } from "../src/commands/import.js";
import { registerModelsCommand } from "../src/commands/models.js";
import { ExitCode, runCli } from "../src/index.js";
import { reportFailure } from "../src/shared/user-errors.js";
import { CODEBOOK_IMPORTER, writeCodebook } from "./helpers/codebook-importer.js";
import { cli } from "./helpers/run-cli.js";

let root: string;
let codebook: string;

/** `autosing <args>` with the test importer registered, as runCli runs it. */
async function withImporter(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const io = { stdout: (t: string) => void (stdout += t), stderr: (t: string) => void (stderr += t) };
  const program = new Command("autosing").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerImportCommand(program, io, [CODEBOOK_IMPORTER]);
  registerModelsCommand(program, io);
  let code: number = ExitCode.success;
  try {
    await program.parseAsync(args, { from: "user" });
  } catch (error) {
    code = reportFailure(error, io, args[0]);
  }
  return { code, stdout, stderr };
}

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-import-"));
  codebook = join(root, "rvq.safetensors");
  await writeCodebook(codebook, 9, 4, 3);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("autosing import", () => {
  it("imports into the models directory, says where it went and lists it", async () => {
    const models = join(root, "models");
    const result = await withImporter("import", "bn-whisper", codebook, "--models", models, "--codes", "8");
    expect(result.stderr).toBe("autosing import bn-whisper: codebook 9 × 4\nautosing import bn-whisper: recording 1 source (size, SHA-256)\n");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        `imported bn-whisper as "bn-whisper" into ${join(models, "bn-whisper")}`,
        "  tokenizer            tokenizer.onnx",
        "  semanticEmbeddings   semantic-embeddings.safetensors",
        "  codes                8",
        "  width                4",
        `recorded in ${join(models, "models.json")}; use it with --models ${models}`,
        "",
      ].join("\n"),
    );
    const listed = await withImporter("models", "list", "--models", models);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^ {2}bn-whisper: bn-whisper, imported \d{4}-\d\d-\d\dT[\d:.]+Z, autosing 0\.1\.0$/m);
    expect(listed.stdout).toMatch(new RegExp(`from ${codebook.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(\\d+ bytes, sha256 [0-9a-f]{64}\\)`));
    expect(listed.stdout).toContain(`  semanticEmbeddings   ${join(models, "bn-whisper", "semantic-embeddings.safetensors")} ("bn-whisper")`);
    expect(listed.stdout).toMatch(/^ {2}codec {16}none$/m);
  });

  it("refuses a taken name (usage, manifest unchanged) until --force", async () => {
    const models = join(root, "again");
    expect((await withImporter("import", "bn-whisper", codebook, "--models", models)).code).toBe(0);
    const manifest = await readFile(join(models, "models.json"));
    const taken = await withImporter("import", "bn-whisper", codebook, "--models", models);
    expect(taken.code).toBe(ExitCode.usage);
    expect(taken.stderr).toMatch(/^autosing import: --name: .* already has a model named "bn-whisper" \(a bn-whisper\); pass --force to replace it/);
    expect(await readFile(join(models, "models.json"))).toEqual(manifest);
    expect((await withImporter("import", "bn-whisper", codebook, "--models", models, "--force")).code).toBe(0);
    expect((await withImporter("import", "bn-whisper", codebook, "--models", models, "--name", "second")).code).toBe(0);
    expect((await readdir(models)).sort()).toEqual(["bn-whisper", "models.json", "second"]);
  });

  it("names a missing or unusable source and its key (bad input) and writes nothing", async () => {
    const models = join(root, "bad");
    const missing = await withImporter("import", "bn-whisper", join(root, "nope.safetensors"), "--models", models);
    expect(missing.code).toBe(ExitCode.badInput);
    expect(missing.stderr).toBe(`autosing import: ${join(root, "nope.safetensors")}: does not exist\n`);
    const wrong = join(root, "wrong.safetensors");
    await writeFile(wrong, writeSafetensors(new Map([["decoder.weight", { shape: [1], data: new Float32Array(1) }]])));
    const notCodebook = await withImporter("import", "bn-whisper", wrong, "--models", models);
    expect(notCodebook.code).toBe(ExitCode.badInput);
    expect(notCodebook.stderr).toBe(`autosing import: ${wrong}: rq.layers.0._codebook.embed: missing: not a BN-Whisper checkpoint\n`);
    await expect(readdir(models)).rejects.toThrow(/ENOENT/);
  });

  it("imports the published files of every kind through the real registry, and --help lists the kinds", async () => {
    const fixtures = join(import.meta.dirname, "..", "..", "..", "packages", "pretrained", "test", "__fixtures__");
    const models = join(root, "published");
    const runs = [
      ["snac", join(fixtures, "snac", "32khz")],
      ["bn-whisper", join(fixtures, "bn-whisper", "rvq.model"), join(fixtures, "bn-whisper", "whisper.pt")],
      ["t2s", join(fixtures, "upstream-checkpoints", "t2s.model")],
      ["sm2a", join(fixtures, "upstream-checkpoints", "sm2a.model")],
      ["artist-emb", join(fixtures, "upstream-checkpoints", "artist_emb.model")],
      ["separator", join(fixtures, "mel-band-roformer", "model_mel_band_roformer_tiny.ckpt"), join(fixtures, "mel-band-roformer", "model_mel_band_roformer_tiny.yaml")],
    ];
    for (const [kind, ...sources] of runs) {
      const result = await cli("import", kind!, ...sources, "--models", models);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(result.code, `${kind}: ${result.stderr}`).toBe(0);
      expect(result.stdout).toContain(`imported ${kind} as "${kind}" into ${join(models, kind!)}`);
    }
    const listed = await cli("models", "list", "--models", models);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^ {2}codec +snac:${join(models, "snac").replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\("snac"\\)$`, "m"));
    for (const need of ["tokenizer", "semanticEmbeddings", "t2sModel", "sm2aModel", "artistModel", "separator"]) expect(listed.stdout).not.toMatch(new RegExp(`^ {2}${need} +none$`, "m"));
    const evil = await cli("import", "t2s", join(fixtures, "upstream-checkpoints", "bad-system-tensor.model"), "--models", models, "--name", "evil");
    expect(evil.code).toBe(ExitCode.badInput);
    expect(evil.stderr).toMatch(/(os|posix)\.system/);
    expect((await readdir(models)).sort()).toEqual(["artist-emb", "bn-whisper", "models.json", "separator", "sm2a", "snac", "t2s"]);
    const unknown = await cli("import", "whisper", codebook);
    expect(unknown.code).toBe(ExitCode.usage);
    expect(unknown.stderr).toMatch(/unknown kind "whisper"; expected one of snac, bn-whisper, artist-emb, t2s, sm2a/);
    const help = await cli("import", "--help");
    expect(help.code).toBe(0);
    for (const kind of ["snac", "bn-whisper", "artist-emb", "t2s", "sm2a"]) expect(help.stdout).toMatch(new RegExp(`^ {2}${kind} +\\S`, "m"));
    expect(help.stdout).not.toContain("in progress: no importer on this build yet");
    const registered = await withImporter("import", "--help");
    expect(registered.stdout).toContain("sources: <codebook.safetensors>");
    expect(registered.stdout).toContain("--codes <value>  the number of codes to keep");
  });

  it("runs from runCli's program (the command is registered)", async () => {
    const list = await runCli(["models", "list", "--models", join(root, "nowhere")], { stdout: () => undefined, stderr: () => undefined });
    expect(list).toBe(ExitCode.fileSystem);
  });
});
