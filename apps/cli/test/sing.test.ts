import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav, encodeWav, firstChannel, fitDefaultCodec, serializeDefaultCodec } from "@autosing/audio-codec";
import { OnnxGraphBuilder } from "@autosing/nn";
import { createTruthSeparator } from "@autosing/separation";
import { sing } from "@autosing/sing";
import { type TinySingModels, writeTinySingModels } from "@autosing/sing/testing";
import { writeTestCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

let root: string;
let partition: string;
let reference: string;
let vocals: string;
let instrumental: string;
let codec: string;
let models: TinySingModels;

/** A 9 s synthetic song (its mix named after the song id, and its true stems), a fitted default codec, tiny random models. */
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-sing-"));
  const dataset = join(root, "corpus");
  await mkdir(dataset);
  await writeTestCorpus(dataset, { songs: 1, seconds: 9, seed: 7 });
  partition = join(dataset, "0");
  const sampleRate = 32000;
  const oracle = await createTruthSeparator(dataset, 0);
  const stems = await oracle.separate({ id: "synth-7-00000_at_0", audio: { sampleRate, channels: [new Float32Array(60 * sampleRate)] } });
  await oracle.dispose();
  const accompaniment = firstChannel(stems.instrumental);
  const mix = { sampleRate, channels: [firstChannel(stems.vocals).map((v, i) => v + (accompaniment[i] ?? 0))] };
  reference = join(root, "synth-7-00000.wav");
  vocals = join(root, "vocals.wav");
  instrumental = join(root, "instrumental.wav");
  await writeFile(reference, encodeWav(mix, "float32"));
  await writeFile(vocals, encodeWav(stems.vocals));
  await writeFile(instrumental, encodeWav(stems.instrumental));
  const codecFile = join(root, "codec.json");
  await writeFile(codecFile, await serializeDefaultCodec(await fitDefaultCodec([firstChannel(mix)], { config: { codebookSize: 16 }, iterations: 2, seed: 1, search: "js", maxTrainingVectors: 2000 }), "json"));
  codec = `default:${codecFile}`;
  models = await writeTinySingModels(join(root, "models"));
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function autosing(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(args, { stdout: (t) => out.push(t), stderr: (t) => err.push(t) });
  return { code, stdout: out.join(""), stderr: err.join("") };
}

const modelFlags = (): string[] => ["--t2s-model", models.t2s, "--sm2a-model", models.sm2a, "--artist-model", models.artist, "--codec", codec];
// --length 1.6 decodes one 96-frame block: 96 · 384 samples at 32 kHz.
const SHORT = ["--length", "1.6", "--start-time", "1", "--batch-size", "1", "--threads", "1", "--format", "wav-float"];

describe("autosing sing", () => {
  it("sings over given stems and writes what the library writes, byte for byte", async () => {
    const out = join(root, "cli");
    const { code, stdout, stderr } = await autosing("sing", reference, ...modelFlags(), "--vocals", vocals, "--instrumental", instrumental, "--lyrics", "hello there\\nsing it again", ...SHORT, "--seed", "5", "--output-dir", out);
    expect(stderr).toMatch(/autosing sing: load [\d.]+ s\n[\s\S]*autosing sing: decode [\d.]+ s\n$/);
    expect(code).toBe(0);
    const file = join(out, "synth-7-00000_0.wav");
    expect(stdout).toBe(`${file}\n`);
    const audio = decodeWav(await readFile(file));
    expect(audio.sampleRate).toBe(32000);
    expect(audio.channels[0]).toHaveLength(96 * 384);
    const library = await sing({
      reference, lyrics: "hello there\nsing it again", t2sModel: models.t2s, sm2aModel: models.sm2a, artistModel: models.artist, codec, vocals, instrumental,
      length: 1.6, startTime: 1, batchSize: 1, threads: 1, format: "wav-float", seed: 5, outputDir: join(root, "library"),
    });
    expect(await readFile(file)).toEqual(await readFile(library.files[0] ?? ""));
  }, 120_000);

  it("separates with the truth oracle and sings speech under --tts, for each song of a directory", async () => {
    const out = join(root, "tts");
    const songs = join(root, "songs");
    await mkdir(songs);
    await copyFile(reference, join(songs, "synth-7-00000.wav"));
    await writeFile(join(songs, "notes.txt"), "not a song");
    const { code, stdout, stderr } = await autosing("sing", songs, ...modelFlags(), "--separator", `truth:${partition}`, "--lyrics", "hello there\nsing it again", ...SHORT, "--tts", "--no-progress", "--output-dir", out);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toBe(`${join(out, "synth-7-00000_0.wav")}\n`);
    expect(decodeWav(await readFile(join(out, "synth-7-00000_0.wav"))).channels[0]).toHaveLength(96 * 384);
  }, 120_000);

  it("separates with an MDX-Net ONNX model and its settings", async () => {
    // A random soft mask of the MDX contract at small STFT settings: output = input · sigmoid(1×1 conv).
    const g = new OnnxGraphBuilder("mdx_test");
    const shape = ["batch", 4, 256, 32];
    g.addInput("input", "float32", shape);
    g.addInitializer("w", Float32Array.from({ length: 16 }, (_, i) => Math.sin(i * 12.9898) * 0.05), [4, 4, 1, 1]);
    g.addNode("Conv", ["input", "w"], ["logits"]);
    g.addNode("Sigmoid", ["logits"], ["mask"]);
    g.addNode("Mul", ["input", "mask"], ["output"]);
    g.addOutput("output", "float32", shape);
    const model = join(root, "mdx.onnx");
    await writeFile(model, g.toBytes());
    const out = join(root, "mdx");
    const mdx = ["--separator", `mdx:${model}`, "--n-fft", "512", "--dim-f", "256", "--dim-t", "32", "--hop-length", "128"];
    const { code, stdout, stderr } = await autosing("sing", reference, ...modelFlags(), ...mdx, "--lyrics", "hello there\nsing it again", ...SHORT, "--no-progress", "--output-dir", out);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(decodeWav(await readFile(stdout.trim())).channels[0]).toHaveLength(96 * 384);
    const wrong = await autosing("sing", reference, ...modelFlags(), ...mdx.slice(0, 2), "--lyrics", "a\nb", ...SHORT, "--no-progress", "--output-dir", out);
    expect(wrong.code).toBe(ExitCode.badInput);
    expect(wrong.stderr).toMatch(new RegExp(`^autosing sing: ${reference}: separation with mdx:${model} failed: `));
  }, 120_000);

  it("reports bad input in one line naming the flag or file", async () => {
    const stems = ["--vocals", vocals, "--instrumental", instrumental];
    const missing = join(root, "no-such-model");
    let result = await autosing("sing", reference, ...modelFlags(), "--sm2a-model", missing, ...stems, "--lyrics", "a\\nb", ...SHORT);
    // A model folder that is not there is the path's problem (6), not a model that does not load (5).
    expect(result.code).toBe(ExitCode.fileSystem);
    expect(result.stderr).toBe(`autosing sing: --sm2a-model ${missing}: does not exist; export a trained checkpoint there with \`autosing export <checkpoint> <dir>\`\n`);
    result = await autosing("sing", reference, ...modelFlags(), ...stems, "--lyrics", "only one line", ...SHORT);
    expect(result.code).toBe(ExitCode.usage);
    expect(result.stderr).toMatch(/^autosing sing: --lyrics "only one line": expected two lines of lyrics separated by a newline/);
    result = await autosing("sing", reference, ...modelFlags(), ...stems, "--lyrics", "a\\nb", "--length", "long");
    expect(result.stderr).toBe('autosing sing: --length must be seconds > 0, got "long"\n');
    result = await autosing("sing", reference, ...modelFlags(), ...stems, "--lyrics", "a\\nb", ...SHORT, "--format", "opus");
    expect(result.stderr).toMatch(/^autosing sing: --format must be one of wav, wav-float, flac, mp3, ogg-vorbis, got "opus"/);
    result = await autosing("sing", reference, ...modelFlags(), "--lyrics", "a\\nb", ...SHORT);
    expect(result.stderr).toMatch(/^autosing sing: --separator undefined: is required without --vocals\/--instrumental/);
    result = await autosing("sing", reference, ...modelFlags(), ...stems, "--lyrics", "a\\nb", ...SHORT, "--start-time", "8.5", "--no-progress");
    expect(result.code).toBe(ExitCode.badInput);
    expect(result.stderr).toMatch(new RegExp(`^autosing sing: ${instrumental}: the instrumental from --start-time 8.5 s is 0.50 s long, but the sm2a model needs 1.15 s of music`));
  }, 120_000);

  it("refuses ~30 KB of lyrics after loading the models, before separation, in one line", async () => {
    const cache = join(root, "long-lyrics-stems");
    const out = join(root, "long-lyrics-out");
    const lyrics = `${"la ".repeat(5000)}\\n${"da ".repeat(5000)}`;
    const { code, stdout, stderr } = await autosing("sing", reference, ...modelFlags(), "--separator", `truth:${partition}`, "--stem-cache", cache, "--lyrics", lyrics, ...SHORT, "--no-progress", "--output-dir", out);
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe("");
    expect(stderr).toMatch(/^autosing sing: --lyrics "la la .*… \(30001 characters\): is 30000 UTF-8 bytes; the t2s model reads at most 63 \(ttoks_len 64 with the end-of-text token\); shorten the lyrics\n$/);
    // No heavy stage ran: separation would have filled the stem cache, decoding the output directory.
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it("reports an --output-dir that is a file before the pipeline runs", async () => {
    const file = join(root, "output-is-a-file");
    await writeFile(file, "taken");
    const { code, stderr } = await autosing("sing", reference, ...modelFlags(), "--vocals", vocals, "--instrumental", instrumental, "--lyrics", "a\\nb", ...SHORT, "--output-dir", file);
    expect(code).toBe(ExitCode.fileSystem);
    // No "load … s" progress line: the check comes before the models load.
    expect(stderr).toBe(`autosing sing: --output-dir ${file}: is a file, not a directory; give a directory (existing or new) for the outputs\n`);
    expect(await readFile(file, "utf8")).toBe("taken");
  }, 120_000);

  it("over a directory, reports each corrupt song, sings the others and ends with bad input and a count", async () => {
    const songs = join(root, "mixed-songs");
    const out = join(root, "mixed-out");
    await mkdir(songs);
    await writeFile(join(songs, "a-corrupt.wav"), "RIFF, but not really");
    await copyFile(reference, join(songs, "synth-7-00000.wav"));
    await writeFile(join(songs, "z-empty.flac"), "");
    const { code, stdout, stderr } = await autosing("sing", songs, ...modelFlags(), "--separator", `truth:${partition}`, "--lyrics", "hello there\nsing it again", ...SHORT, "--no-progress", "--output-dir", out);
    expect(stdout).toBe(`${join(out, "synth-7-00000_0.wav")}\n`);
    const lines = stderr.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^autosing sing: skipped ${join(songs, "a-corrupt.wav")}: is not audio that can be decoded \\(<reference>\\): `));
    expect(lines[1]).toMatch(new RegExp(`^autosing sing: skipped ${join(songs, "z-empty.flac")}: is not audio that can be decoded`));
    expect(lines[2]).toBe(`autosing sing: sang 1 of 3 songs in ${songs}; 2 failed (listed above)`);
    expect(code).toBe(ExitCode.badInput);
  }, 120_000);
});
