import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeAudio, decodeWav, encodeWav } from "@autosing/audio-codec";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { SingError, SingInputError, SingModelError, SingModelPathError, SingOptionError, type SingOptions, SingOutputError, type SingProgress, prepareReference, resolveSingOptions, sing } from "../src/index.js";
import { type SingFixtures, fixtureSingOptions, makeSingFixtures } from "./fixtures.js";

const HOP = 384;
const RATE = 32000;
// --length 1.6: N = ⌊1.6 · 83.33 / 8⌋ · 8 = 128 steps → 4 · (128/4 − 8) = 96 frames = one decoder block.
const EXPECTED_SAMPLES = 96 * HOP;

let root: string;
let fixtures: SingFixtures;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-sing-"));
  fixtures = await makeSingFixtures(root);
}, 120_000);

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function options(overrides: Partial<SingOptions> & { outputDir: string }): SingOptions {
  return fixtureSingOptions(fixtures, { startTime: 1, ...overrides });
}

describe("sing", () => {
  let silent: Awaited<ReturnType<typeof sing>>;
  /** One row, no music in the mix, progress recorded. */
  let base: Awaited<ReturnType<typeof sing>>;
  const events: SingProgress[] = [];

  beforeAll(async () => {
    silent = await sing(options({ outputDir: join(root, "silent"), musicVolume: 0, batchSize: 2 }));
    base = await sing(options({ outputDir: join(root, "base"), musicVolume: 0, onProgress: (event) => events.push(event) }));
  }, 300_000); // two full sing runs: generous, since CI runs every package's tests side by side on few cores

  it("writes one decodable file per batch row with the expected length and rate", async () => {
    expect(silent.files).toEqual([join(root, "silent", "synth-7-00000_0.wav"), join(root, "silent", "synth-7-00000_1.wav")]);
    expect((await readdir(join(root, "silent"))).sort()).toEqual(["synth-7-00000_0.wav", "synth-7-00000_1.wav"]);
    for (const [i, file] of silent.files.entries()) {
      const audio = decodeWav(await readFile(file), file);
      expect(audio.sampleRate).toBe(RATE);
      expect(audio.channels).toHaveLength(1);
      expect(audio.channels[0]).toHaveLength(EXPECTED_SAMPLES);
      expect(audio.channels[0]).toEqual(silent.outputs[i]?.channels[0]);
    }
    expect(silent.seconds).toBeCloseTo(EXPECTED_SAMPLES / RATE, 9);
    expect(silent.semanticTokens).toHaveLength(750);
    // Two rows of one batch are two different samples.
    expect(silent.outputs[0]?.channels[0]).not.toEqual(silent.outputs[1]?.channels[0]);
  });

  it("mixes the vocals over music_volume × the instrumental from the start time", async () => {
    const loud = await sing(options({ outputDir: join(root, "loud"), musicVolume: 0.5, batchSize: 2 }));
    const instrumental = (await decodeAudio(await readFile(fixtures.instrumental))).channels[0] ?? new Float32Array();
    const start = 1 * RATE;
    for (const [i, file] of loud.files.entries()) {
      const mixed = decodeWav(await readFile(file)).channels[0] ?? new Float32Array();
      const vocals = silent.outputs[i]?.channels[0] ?? new Float32Array();
      expect(mixed).toHaveLength(EXPECTED_SAMPLES);
      let worst = 0;
      for (let t = 0; t < mixed.length; t++) worst = Math.max(worst, Math.abs((mixed[t] ?? 0) - (vocals[t] ?? 0) - 0.5 * (instrumental[start + t] ?? 0)));
      expect(worst).toBeLessThan(1e-6);
    }
  }, 120_000);

  it("gives the same bytes for the same seed and different ones for another seed", async () => {
    const again = await sing(options({ outputDir: join(root, "again"), musicVolume: 0, batchSize: 2 }));
    for (const [i, file] of again.files.entries()) expect(await readFile(file)).toEqual(await readFile(silent.files[i] ?? ""));
    const other = await sing(options({ outputDir: join(root, "other"), musicVolume: 0, seed: 4 }));
    expect(await readFile(other.files[0] ?? "")).not.toEqual(await readFile(silent.files[0] ?? ""));
  }, 120_000);

  it("separates the reference with the truth oracle exactly as the given stems", async () => {
    const separated = await sing(options({ outputDir: join(root, "truth"), musicVolume: 0.8, vocals: undefined, instrumental: undefined, separator: `truth:${fixtures.partition}` }));
    const given = await sing(options({ outputDir: join(root, "given"), musicVolume: 0.8 }));
    expect(await readFile(separated.files[0] ?? "")).toEqual(await readFile(given.files[0] ?? ""));
  }, 120_000);

  it("sings without music under tts: masked music for the models, no instrumental in the mix", async () => {
    expect(resolveSingOptions(options({ outputDir: "x", tts: true, musicVolume: 0.8 })).musicVolume).toBe(0);
    const speech = await sing(options({ outputDir: join(root, "tts"), tts: true }));
    const audio = decodeWav(await readFile(speech.files[0] ?? ""));
    expect(audio.channels[0]).toHaveLength(EXPECTED_SAMPLES);
    // Same seed, no music in either mix: only the masked music the models saw differs.
    expect(audio.channels[0]).not.toEqual(base.outputs[0]?.channels[0]);
  }, 120_000);

  it("extracts semantic tokens from the vocals or a --semfile instead of generating them", async () => {
    const extracted = await sing(options({ outputDir: join(root, "extracted"), genSemantic: false, tokenizer: fixtures.tokenizer }));
    expect(extracted.semanticTokens).toHaveLength(750);
    expect(Math.max(...extracted.semanticTokens)).toBeLessThan(16); // the 16-code test tokenizer
    // No t2s model and no lyrics are needed when the tokens are extracted.
    const semfile = await sing(options({ outputDir: join(root, "semfile"), semfile: fixtures.vocals, tokenizer: fixtures.tokenizer, t2sModel: undefined, lyrics: undefined }));
    expect(semfile.semanticTokens).toEqual(extracted.semanticTokens);
    expect(await readFile(semfile.files[0] ?? "")).toEqual(await readFile(extracted.files[0] ?? ""));
  }, 120_000);

  it("blends a --spkfile embedding with --spk-alpha", async () => {
    const blended = await sing(options({ outputDir: join(root, "blend"), spkfile: fixtures.instrumental, spkAlpha: 0.25 }));
    const own = base;
    const other = await sing(options({ outputDir: join(root, "other-singer"), vocals: fixtures.instrumental }));
    blended.artistEmbedding.forEach((value, i) => expect(value).toBeCloseTo(0.75 * (own.artistEmbedding[i] ?? 0) + 0.25 * (other.artistEmbedding[i] ?? 0), 5));
    expect(own.artistEmbedding).not.toEqual(other.artistEmbedding);
  }, 120_000);

  it("reports every stage in order with its time", () => {
    const result = base;
    const done = events.filter((event) => event.kind === "done").map((event) => event.stage);
    expect(done).toEqual(["load", "separate", "music", "embedding", "semantic", "acoustic", "decode"]);
    expect(events.filter((event) => event.kind === "step" && event.stage === "acoustic").length).toBeGreaterThan(90);
    expect(Object.keys(result.timings)).toHaveLength(7);
  });
});

describe("the stem cache", () => {
  it("keeps the separated window and reads it back instead of separating again", async () => {
    const cache = join(root, "stems");
    const separated = resolveSingOptions(options({ outputDir: "x", vocals: undefined, instrumental: undefined, separator: `truth:${fixtures.partition}`, stemCache: cache }));
    const first = await prepareReference(separated);
    const files = (await readdir(cache)).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toMatch(/^synth-7-00000_\(Instrumental\)_[0-9a-f]{16}\.wav$/);
    expect(files[1]).toMatch(/^synth-7-00000_\(Vocals\)_[0-9a-f]{16}\.wav$/);
    // Halve the cached vocals: a second preparation must return them as they are in the cache.
    const halved = { sampleRate: first.vocals.sampleRate, channels: first.vocals.channels.map((channel) => channel.map((v) => v / 2)) };
    await writeFile(join(cache, files[1] ?? ""), encodeWav(halved, "float32"));
    const second = await prepareReference(separated);
    expect(second.vocals.channels[0]).toEqual(halved.channels[0]);
    expect(second.instrumental.channels[0]).toEqual(first.instrumental.channels[0]);
    // Another window is another entry.
    await prepareReference({ ...separated, startTime: 2 });
    expect(await readdir(cache)).toHaveLength(4);
  });
});

describe("sing errors name the bad flag or file", () => {
  const fail = (overrides: Partial<SingOptions>) => sing(options({ outputDir: join(root, "errors"), ...overrides }));

  it("a missing model directory", async () => {
    await expect(fail({ t2sModel: join(root, "nowhere") })).rejects.toThrow(SingModelError);
    // The path is the problem, not the model: a SingModelPathError (the CLI's file-system code).
    await expect(fail({ t2sModel: join(root, "nowhere") })).rejects.toThrow(SingModelPathError);
    await expect(fail({ sm2aModel: join(root, "nowhere") })).rejects.toThrow(`--sm2a-model ${join(root, "nowhere")}: does not exist; export a trained checkpoint there with \`autosing export <checkpoint> <dir>\``);
    await expect(fail({ artistModel: fixtures.vocals })).rejects.toThrow(`--artist-model ${fixtures.vocals}: is not a directory`);
  });

  it("lyrics that are not two lines", async () => {
    await expect(fail({ lyrics: "just one line" })).rejects.toThrow(/--lyrics "just one line": expected two lines of lyrics separated by a newline .*got 1 line$/);
    await expect(fail({ lyrics: "one\ntwo\nthree" })).rejects.toThrow(SingOptionError);
    await expect(fail({ lyrics: "one\n " })).rejects.toThrow(/got 2 lines/);
  });

  it("a reference shorter than the models need", async () => {
    // 9 s song: from 8.5 s only 0.5 s of instrumental is left, the sm2a model reads 96 frames ≈ 1.15 s.
    const error = await fail({ startTime: 8.5 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SingInputError);
    expect((error as Error).message).toMatch(new RegExp(`^${fixtures.instrumental}: the instrumental from --start-time 8.5 s is 0.50 s long, but the sm2a model needs 1.15 s of music`));
    await expect(fail({ vocals: undefined, instrumental: undefined, separator: `truth:${fixtures.partition}`, startTime: 20 })).rejects.toThrow(`${fixtures.reference}: is 9.00 s long, --start-time 20 is past its end`);
  });

  it("lengths that the decoder or the template cannot serve", async () => {
    await expect(fail({ length: 1 })).rejects.toThrow(/--length 1: gives 80 acoustic steps = 48 codec frames, less than one 96-frame decoder block; use --length ≥ 1.54/);
    await expect(fail({ length: 3 })).rejects.toThrow(/--length 3: needs 248 acoustic steps, but the sm2a model's music template has 128/);
  });

  it("missing or conflicting sources and tokenizers", async () => {
    await expect(fail({ vocals: undefined, instrumental: undefined })).rejects.toThrow(/--separator undefined: is required without --vocals\/--instrumental/);
    await expect(fail({ stemCache: join(root, "stems") })).rejects.toThrow(/--stem-cache ".*": caches what --separator produces/);
    await expect(fail({ instrumental: undefined })).rejects.toThrow(/--instrumental undefined: give both --vocals and --instrumental/);
    await expect(fail({ genSemantic: false })).rejects.toThrow(/--tokenizer undefined: is required to extract semantic tokens/);
    await expect(fail({ t2sModel: undefined })).rejects.toThrow(/--t2s-model undefined: is required to generate semantic tokens from the lyrics/);
    await expect(fail({ vocals: undefined, instrumental: undefined, separator: "spleeter:x" })).rejects.toThrow(/--separator "spleeter:x": expected "mdx:<model.onnx>" or "truth:<song-corpus partition dir>"/);
    await expect(fail({ vocals: join(root, "missing.wav") })).rejects.toThrow(`${join(root, "missing.wav")}: cannot be read (--vocals)`);
    await expect(fail({ codec: "default:/nowhere/codec.json" })).rejects.toThrow(/^--codec default:\/nowhere\/codec.json: cannot be opened/);
  });

  it("lyrics longer than the t2s model reads, before any heavy stage", async () => {
    // ~30 KB: once far past the limit it reached onnxruntime only after separation, music and embedding.
    const long = `${"la ".repeat(5000)}\n${"da ".repeat(5000)}`;
    const stages: SingProgress[] = [];
    const cache = join(root, "long-lyrics-stems");
    const error = await fail({ lyrics: long, vocals: undefined, instrumental: undefined, separator: `truth:${fixtures.partition}`, stemCache: cache, onProgress: (event) => stages.push(event) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SingOptionError);
    // The tiny t2s model reads 64 text tokens: 63 bytes after the end-of-text token.
    expect((error as Error).message).toMatch(/^--lyrics "la la .*… \(30001 characters\): is 30000 UTF-8 bytes; the t2s model reads at most 63 \(ttoks_len 64 with the end-of-text token\); shorten the lyrics$/);
    expect((error as Error).message.length).toBeLessThan(250);
    expect(stages.filter((event) => event.kind === "start").map((event) => event.stage)).toEqual(["load"]);
    await expect(readdir(cache)).rejects.toThrow(/ENOENT/);
  });

  it("an output directory that is a file or lies under one, before the models load", async () => {
    const file = join(root, "a-file");
    await writeFile(file, "not a directory");
    const stages: SingProgress[] = [];
    await expect(fail({ outputDir: file, onProgress: (event) => stages.push(event) })).rejects.toThrow(new RegExp(`^--output-dir ${file}: is a file, not a directory; give a directory`));
    await expect(fail({ outputDir: join(file, "sub") })).rejects.toThrow(new RegExp(`--output-dir ${join(file, "sub")}: cannot be created: ${file} is a file`));
    await expect(fail({ vocals: undefined, instrumental: undefined, separator: `truth:${fixtures.partition}`, stemCache: file })).rejects.toThrow(SingOutputError);
    expect(stages).toEqual([]);
  });

  it("every error is a SingError", async () => {
    const error = await fail({ lyrics: "" }).catch((e: unknown) => e);
    expect(SingError.isInstance(error)).toBe(true);
  });
});
