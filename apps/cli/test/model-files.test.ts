/**
 * Unreadable model files and unusable export destinations end a run with one stderr line that
 * names the file, and the exit-code table's row: a missing file or a directory is a file-system
 * failure, a file onnxruntime cannot load is a model problem. Never a stack trace.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { artistEmbedderConfig, artistEmbedderParameterSpecs, DEFAULT_ARTIST_EMBEDDER_TUNABLES, saveArtistEmbedderCheckpoint } from "@autosing/artist-embedder";
import { encodeWav } from "@autosing/audio-codec";
import { initializeParameters } from "@autosing/nn";
import { DEFAULT_T2S_TUNABLES, saveT2SCheckpoint, t2sParameterSpecs } from "@autosing/t2s-model";
import type { T2SConfig } from "@autosing/t2s-model";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode } from "../src/index.js";
import { cli } from "./helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-model-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The three unusable model paths: a text file named .onnx, a missing file, a directory. */
function badModels(base: string): { name: string; path: string; code: number; message: RegExp }[] {
  mkdirSync(base, { recursive: true });
  const text = join(base, "notes.onnx");
  writeFileSync(text, "these are not the weights you are looking for\n");
  const folder = join(base, "folder.onnx");
  mkdirSync(folder, { recursive: true });
  return [
    { name: "a text file", path: text, code: ExitCode.modelProblem, message: /notes\.onnx: not a loadable ONNX model \(.+\)$/ },
    { name: "a missing file", path: join(base, "missing.onnx"), code: ExitCode.fileSystem, message: /missing\.onnx: no such file \(ENOENT\)/ },
    { name: "a directory", path: folder, code: ExitCode.fileSystem, message: /folder\.onnx: is a directory, not a model file \(EISDIR\)/ },
  ];
}

/** One line, naming the command and the file, without a stack frame. */
function expectOneLine(stderr: string, command: string, message: RegExp): void {
  const lines = stderr.split("\n").filter((line) => line !== "");
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^autosing ${command}: `));
  expect(lines[0]).toMatch(message);
  expect(stderr).not.toMatch(/\n\s+at /);
}

describe("model flags given an unusable ONNX file", () => {
  const audio = join(dir, "tone.wav");
  const lyrics = join(dir, "lyrics.txt");
  const dataset = join(dir, "dataset");

  beforeAll(() => {
    const samples = Float32Array.from({ length: 16000 }, (_, i) => 0.3 * Math.sin(i * 0.05));
    writeFileSync(audio, encodeWav({ channels: [samples], sampleRate: 16000 }));
    writeFileSync(lyrics, "hello world\n");
    mkdirSync(dataset);
  });

  for (const model of badModels(join(dir, "models"))) {
    it(`align --model: ${model.name}`, async () => {
      const run = await cli("align", audio, "--lyrics", lyrics, "--model", model.path);
      expect(run.code).toBe(model.code);
      expectOneLine(run.stderr, "align", model.message);
    });

    it(`process align --fc-model: ${model.name}`, async () => {
      const run = await cli("process", "align", dataset, "0", "--fc-model", model.path);
      expect(run.code).toBe(model.code);
      expectOneLine(run.stderr, "process", model.message);
    });
  }

  it("process artist_embs --embedder: an export folder whose graph is unusable", async () => {
    const config = artistEmbedderConfig(3, { depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, codes: 16, ctx_n: 16, emb_width: 12 });
    const tunables = { ...DEFAULT_ARTIST_EMBEDDER_TUNABLES };
    const checkpoint = join(dir, "artist.safetensors");
    await saveArtistEmbedderCheckpoint(checkpoint, { config, tunables, weights: initializeParameters(artistEmbedderParameterSpecs(config, tunables), 4) });
    const exported = join(dir, "embedder");
    expect((await cli("export", checkpoint, exported)).code).toBe(ExitCode.success);
    const graph = join(exported, "artist-embedder.onnx");
    const cases = [
      { write: () => writeFileSync(graph, "{}"), code: ExitCode.modelProblem, message: /artist-embedder\.onnx: not a loadable ONNX model/ },
      { write: () => rmSync(graph), code: ExitCode.fileSystem, message: /artist-embedder\.onnx: no such file \(ENOENT\)/ },
      { write: () => mkdirSync(graph), code: ExitCode.fileSystem, message: /artist-embedder\.onnx: is a directory/ },
    ];
    for (const { write, code, message } of cases) {
      write();
      const run = await cli("process", "artist_embs", dataset, "0", "--embedder", exported);
      expect(run.code).toBe(code);
      expectOneLine(run.stderr, "process", message);
    }
  });
});

describe("autosing export refuses before writing", () => {
  const config: T2SConfig = {
    depth: 1, n_head: 2, head_width: 8, ffn_mult: 2, ttoks_len: 12, ttoks_codes: 256, ttoks_width: null,
    stoks_len: 10, stoks_codes: 17, stoks_width: 8, mtoks_len: 6, quantizers: 8, codes: 11,
  };
  const tunables = { ...DEFAULT_T2S_TUNABLES };

  it("an output path that is a file, or lies under one (file-system)", async () => {
    const file = join(dir, "taken.txt");
    writeFileSync(file, "mine\n");
    // The checkpoint does not exist: the output is checked first, before any reading.
    for (const out of [file, join(file, "sub")]) {
      const run = await cli("export", join(dir, "never-read.safetensors"), out);
      expect(run.code).toBe(ExitCode.fileSystem);
      expectOneLine(run.stderr, "export", /taken\.txt: is a file.* \(ENOTDIR\)$/);
    }
  });

  it.each([
    ["NaN", Number.NaN],
    ["Infinity", Number.POSITIVE_INFINITY],
    ["-Infinity", Number.NEGATIVE_INFINITY],
  ])("a checkpoint with a %s weight (model problem), naming the tensor and index, writing nothing", async (label, bad) => {
    const weights = initializeParameters(t2sParameterSpecs(config, tunables), 5);
    const [name, tensor] = [...weights].at(-1) ?? [];
    if (name === undefined || tensor === undefined) throw new Error("no weights");
    (tensor.data as Float32Array)[3] = bad;
    const checkpoint = join(dir, `diverged-${label}.safetensors`);
    await saveT2SCheckpoint(checkpoint, { config, tunables, weights });
    const out = join(dir, `diverged-${label}`);
    const run = await cli("export", checkpoint, out);
    expect(run.code).toBe(ExitCode.modelProblem);
    expectOneLine(run.stderr, "export", new RegExp(`weight ${name.replaceAll(".", "\\.")}\\[3\\] is ${label}: `));
    expect(() => readdirSync(out)).toThrow();
  });
});
