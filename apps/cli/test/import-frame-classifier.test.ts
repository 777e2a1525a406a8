/**
 * `autosing import frame-classifier` end to end: the published-format wav2vec2 fixture of
 * @autosing/pretrained (made by transformers' own wav2vec2, see its scripts/golden) imported through
 * the real registry, then picked by `process align --models` as its --fc-model.
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { encodeWav } from "@autosing/audio-codec";
import { writeTestCorpus } from "@autosing/song-corpus";
import { afterAll, describe, expect, it } from "vitest";

import { ExitCode } from "../src/index.js";
import { cli } from "./helpers/run-cli.js";

const fixtures = join(import.meta.dirname, "..", "..", "..", "packages", "pretrained", "test", "__fixtures__", "frame-classifier");
const dir = mkdtempSync(join(tmpdir(), "autosing-import-fc-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("autosing import frame-classifier", () => {
  it("imports a wav2vec2 folder and process align --models runs it as --fc-model", async () => {
    const models = join(dir, "models");
    const imported = await cli("import", "frame-classifier", join(fixtures, "stable-ctc"), "--models", models);
    expect(imported.stderr).not.toMatch(/\n\s+at /);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain(`imported frame-classifier as "frame-classifier" into ${join(models, "frame-classifier")}`);
    expect(readdirSync(join(models, "frame-classifier")).sort()).toEqual(["frame-classifier.json", "labels.json", "model.onnx", "model.onnx.data"]);

    const dataset = join(dir, "dataset");
    await mkdir(dataset, { recursive: true });
    await writeTestCorpus(dataset, { songs: 1, seconds: 9, seed: 3 });
    const aligned = await cli("process", "align", dataset, "0", "--models", models);
    const model = join(models, "frame-classifier", "model.onnx");
    expect(aligned.stderr).toContain(`autosing process align: --fc-model ${model} (model "frame-classifier", frame-classifier, from --models)`);
    expect(aligned.code, aligned.stderr).toBe(0);
    expect(aligned.stdout).toMatch(/^align partition 0: 1 rows in → /m);

    // `autosing align --models` takes the same classifier as its --model: CTC alignment, not DTW.
    const audio = join(dir, "tone.wav");
    writeFileSync(audio, encodeWav({ channels: [Float32Array.from({ length: 3 * 16000 }, (_, i) => 0.3 * Math.sin(i * 0.05))], sampleRate: 16000 }));
    writeFileSync(join(dir, "lyrics.txt"), "hello world\n");
    const single = await cli("align", audio, "--lyrics", join(dir, "lyrics.txt"), "--models", models);
    expect(single.stderr).toBe(`autosing align: --model ${model} (model "frame-classifier", frame-classifier, from --models)\n`);
    expect(single.code).toBe(0);
    expect(single.stdout).not.toMatch(/dtw alignment/);
  });

  it("refuses a hostile pytorch_model.bin as bad input, naming the file and key, recording nothing", async () => {
    const models = join(dir, "hostile-models");
    const source = join(dir, "hostile");
    await mkdir(source, { recursive: true });
    copyFileSync(join(fixtures, "stable-ctc", "config.json"), join(source, "config.json"));
    copyFileSync(join(fixtures, "hostile", "pytorch_model.bin"), join(source, "pytorch_model.bin"));
    const run = await cli("import", "frame-classifier", source, "--models", models);
    expect(run.code).toBe(ExitCode.badInput);
    expect(run.stderr).toMatch(/pytorch_model\.bin: lm_head\.bias: is a pickled posix\.system object, not a tensor/);
  });
});
