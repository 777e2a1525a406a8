import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { encodeWav } from "@autosing/audio-codec";
import { synthesize } from "@autosing/espeak";
import { OnnxGraphBuilder } from "@autosing/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-align-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A random-weight model with the charsiu frame-classifier signature (Conv k=400, stride 160 → 100 frames/s, 42 classes). */
function randomFrameModel(file: string): string {
  const weight = new Float32Array(42 * 400).map((_, i) => Math.sin(i * 12.9898) * 0.1);
  const graph = new OnnxGraphBuilder("frame_classifier");
  graph.addInput("input_values", "float32", [1, "samples"]);
  graph.addInitializer("w", weight, [42, 1, 400]);
  graph.addInt64Initializer("axis", [1]);
  graph.addNode("Unsqueeze", ["input_values", "axis"], ["x"]);
  graph.addNode("Conv", ["x", "w"], ["y"], { kernel_shape: [400], strides: [160] });
  graph.addNode("Transpose", ["y"], ["logits"], { perm: [0, 2, 1] });
  graph.addOutput("logits", "float32", [1, "frames", 42]);
  const path = join(dir, file);
  writeFileSync(path, graph.toBytes());
  return path;
}

describe("autosing align", () => {
  const lines = ["twinkle twinkle little star", "how I wonder what you are"];
  let audio = "";
  let speechWords: { text: string; start: number }[] = [];
  const lyrics = join(dir, "lyrics.txt");
  const lrc = join(dir, "lyrics.lrc");

  beforeAll(async () => {
    const speech = await synthesize(lines.join(".\n"), { voice: "en-gb-x-rp+m2", rate: 130 });
    speechWords = speech.words;
    audio = join(dir, "speech.wav");
    writeFileSync(audio, encodeWav({ channels: [speech.samples], sampleRate: speech.sampleRate }));
    writeFileSync(lyrics, lines.join("\n"));
    const second = speech.words[4]?.start ?? 0;
    writeFileSync(lrc, `[ti:Twinkle]\n[00:00.00]${lines[0]}\n[00:${second.toFixed(2).padStart(5, "0")}]${lines[1]}\n`);
  });

  it("aligns raw lyrics without a model and prints line and word spans", async () => {
    const run = await cli("align", audio, "--lyrics", lyrics);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/dtw alignment · 2 lines · 10 words/);
    expect(run.stdout).toMatch(/^line +[\d.]+ +[\d.]+ {2}twinkle twinkle little star$/m);
    expect(run.stdout).toMatch(/^ {2}word +[\d.]+ +[\d.]+ {2}wonder$/m);
  });

  it("prints JSON with the alignment struct and spans; LRC input reports inlier_ratio", async () => {
    const run = await cli("align", audio, "--lrc", lrc, "--json");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const body = JSON.parse(run.stdout) as {
      method: string;
      alignment: { inlier_ratio: number; lines: string[]; tokens: number[] };
      words: { text: string; start: number; end: number }[];
    };
    expect(body.method).toBe("dtw");
    expect(body.alignment.lines).toEqual(lines);
    expect(body.alignment.inlier_ratio).toBe(1);
    expect(body.words.map((w) => w.text)).toEqual("twinkle twinkle little star how i wonder what you are".split(" "));
    // Word onsets of the synthetic speech are known; the default aligner lands near them.
    const errors = body.words.map((w, i) => Math.abs(w.start - (speechWords[i]?.start ?? 0)));
    expect(errors.filter((e) => e < 0.25).length).toBeGreaterThanOrEqual(7);
  });

  it("runs a frame-classifier model with --model", async () => {
    const run = await cli("align", audio, "--lyrics", lyrics, "--model", randomFrameModel("fc.onnx"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ctc alignment · 2 lines · 10 words/);
  });

  it("reports user errors on one line", async () => {
    const neither = await cli("align", audio);
    expect(neither.code).toBe(ExitCode.usage);
    expect(neither.stderr).toMatch(/exactly one of --lrc <file> or --lyrics <file>/);
    const both = await cli("align", audio, "--lrc", lrc, "--lyrics", lyrics);
    expect(both.stderr).toMatch(/exactly one/);
    const missing = await cli("align", join(dir, "nope.wav"), "--lyrics", lyrics);
    expect(missing.code).toBe(ExitCode.fileSystem);
    expect(missing.stderr).toMatch(/nope\.wav/);
    const folder = await cli("align", dir, "--lyrics", lyrics);
    expect(folder.code).toBe(ExitCode.fileSystem);
    expect(folder.stderr).toBe(`autosing align: audio "${dir}" is a directory; pass a file\n`);
    const lyricsFolder = await cli("align", audio, "--lrc", dir);
    expect(lyricsFolder.stderr).toBe(`autosing align: --lrc "${dir}" is a directory; pass a file\n`);
    const badLrc = join(dir, "bad.lrc");
    writeFileSync(badLrc, "[00:01.00]fine\n[0x:02.00]broken\n");
    const bad = await cli("align", audio, "--lrc", badLrc);
    expect(bad.code).toBe(ExitCode.badInput);
    expect(bad.stderr).toMatch(/LRC line 2: malformed time stamp/);
    const rate = await cli("align", audio, "--lyrics", lyrics, "--rate", "fast");
    expect(rate.stderr).toMatch(/--rate/);
  });

  it("refuses lyrics over --max-lyrics-chars before reading the audio", async () => {
    const long = join(dir, "long.txt");
    writeFileSync(long, "la ".repeat(10_000));
    // The audio does not exist: the lyrics are refused first.
    const run = await cli("align", join(dir, "nope.wav"), "--lyrics", long, "--max-lyrics-chars", "100");
    expect([run.code, run.stderr]).toEqual([
      ExitCode.badInput,
      `autosing align: --lyrics "${long}" has 30000 characters, over the limit of 100 (raise it with --max-lyrics-chars, or split the song)\n`,
    ]);
    const flag = await cli("align", audio, "--lyrics", lyrics, "--max-lyrics-chars", "0");
    expect([flag.code, flag.stderr]).toEqual([ExitCode.usage, 'autosing align: --max-lyrics-chars must be a positive integer, got "0"\n']);
  });
});
