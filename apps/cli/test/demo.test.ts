/**
 * `autosing demo`, the README quick start's main job, at its smallest (2 songs, 2+ steps): every
 * stage's outputs exist with the shapes the next stage needs, the WAV decodes to the expected
 * length, and a second run into the same --out reuses everything but `sing`, which gives the same
 * bytes (everything is seeded).
 */
import { mkdtemp, readFile, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import {
  alignmentTable,
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  indexTable,
  mainTable,
  readTable,
  stemTable,
  stepPath,
  stoksTable,
} from "@autosing/parquet-io";
import { resolveModels } from "@autosing/pretrained";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { cli } from "./helpers/run-cli.js";

/** 6 s chunks truncated to whole 12288-sample codec blocks: 15 blocks × 32 frames. */
const CHUNK_FRAMES = 480;
/** `--length 5`: 416 decoding steps → 384 codec frames × 384 samples at 32 kHz. */
const SUNG_SAMPLES = 384 * 384;

let root: string;
let out: string;
let first: Awaited<ReturnType<typeof cli>>;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "autosing-cli-demo-"));
  out = join(root, "demo");
  first = await cli("demo", "--out", out, "--songs", "2", "--steps", "2", "--seed", "1");
}, 600_000); // the whole quick-start job; CI runs every package's suite side by side on 2 cores

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("autosing demo", () => {
  it("runs every stage, prints where things are and says the models are only seconds-trained", () => {
    expect(first.stderr).not.toContain("unexpected error");
    expect(first.code).toBe(0);
    for (const stage of ["corpus", "align", "vad_extract", "src_sep", "truth", "oracle", "atoks", "stoks", "artist embedder", "artist_embs", "construct-dataset", "train t2s", "train sm2a", "sing"]) {
      expect(first.stdout).toContain(stage);
    }
    // Each stage ends with its time.
    expect(first.stdout.match(/^\[\d+\] .*\(\d+\.\d s\)$/gm)?.length).toBe(14);
    expect(first.stdout).toContain("trained for seconds on synthetic data");
    expect(first.stdout).toContain(join(out, "sing"));
  });

  it("writes the processing steps' tables per partition with the shapes the next step reads", async () => {
    const corpus = join(out, "corpus");
    let chunks = 0;
    for (const p of [0, 1]) {
      const songs = await readTable(stepPath(corpus, p, "index"), indexTable, { columns: ["id"] });
      expect(songs).toHaveLength(1);
      const aligned = await readTable(stepPath(corpus, p, "alignment"), alignmentTable);
      expect(aligned.map((r) => r.id)).toEqual(songs.map((r) => r.id));
      expect(aligned[0]!.alignment?.words.length).toBeGreaterThan(0);
      const chunked = await readTable(stepPath(corpus, p, "chunked"), chunkedTable, { columns: ["id", "artist"] });
      expect(chunked.length).toBeGreaterThanOrEqual(1);
      for (const row of chunked) expect(row.id).toMatch(new RegExp(`^${songs[0]!.id}_at_[1-9]\\d*$`));
      const ids = chunked.map((r) => r.id);
      chunks += ids.length;
      for (const stem of ["vocals", "no_vocals"] as const) {
        expect((await readTable(stepPath(corpus, p, stem), stemTable(stem), { columns: ["id"] })).map((r) => r.id)).toEqual(ids);
        const tokens = await readTable(stepPath(corpus, p, `atoks_${stem}_default`), atoksTable(stem, "default"));
        expect(tokens.map((r) => r.id)).toEqual(ids);
        for (const row of tokens) expect(row.values.length).toBe(4 * CHUNK_FRAMES);
      }
      const semantic = await readTable(stepPath(corpus, p, "stoks"), stoksTable);
      expect(semantic.map((r) => r.values.length)).toEqual(ids.map(() => 750));
      const embs = await readTable(stepPath(corpus, p, "artist_embs"), artistEmbsTable);
      expect(embs.map((r) => r.id)).toEqual(ids);
      for (const row of embs) {
        expect(row.embs.length).toBe(3 * 256);
        expect(row.embs.every(Number.isFinite)).toBe(true);
      }
    }

    // construct-dataset: one row per partition, partition 0 validates, no row dropped.
    const dataset = join(out, "dataset-short");
    const partitions = (await readdir(dataset)).filter((name) => /^\d+$/.test(name));
    expect(partitions).toHaveLength(chunks);
    for (const p of partitions) {
      const rows = await readTable(stepPath(dataset, Number(p), "main"), mainTable());
      expect(rows).toHaveLength(1);
      const row = rows[0]!;
      expect(row.atoks.length).toBe(4 * CHUNK_FRAMES);
      expect(row.mtoks.length).toBe(4 * CHUNK_FRAMES);
      expect(row.stoks.length).toBe(750);
      expect(row.embs.length).toBe(3 * 256);
    }
  });

  it("exports the three trained models into a models directory and sings a WAV of the expected length through it", async () => {
    const models = join(out, "models");
    expect((await readdir(join(models, "artist-emb", "export"))).sort()).toEqual(["artist-embedder-config.json", "artist-embedder.onnx"]);
    expect((await readdir(join(models, "t2s", "export"))).sort()).toEqual(["t2s-config.json", "t2s-decoder.onnx", "t2s-encoder.onnx"]);
    expect((await readdir(join(models, "sm2a", "export"))).sort()).toEqual(["sm2a-config.json", "sm2a-decoder.onnx", "sm2a-encoder.onnx"]);
    for (const name of ["artist-emb", "t2s", "sm2a"]) expect(await readdir(join(models, name, "checkpoint"))).toEqual(expect.arrayContaining(["config.json", "model.safetensors"]));
    // models.json names every network sing needs; the demo's sing took them from it (--models).
    const resolved = await resolveModels(models);
    expect(Object.keys(resolved.networks).sort()).toEqual(["artistCheckpoint", "artistModel", "codec", "sm2aCheckpoint", "sm2aModel", "t2sCheckpoint", "t2sModel", "tokenizer"]);
    expect(resolved.networks.codec?.value).toBe(`default:${join(models, "default-codec", "codec.json")}`);
    expect(first.stderr).toContain(`autosing sing: --sm2a-model ${join(models, "sm2a", "export")} (model "sm2a", sm2a, from --models)`);
    const wavs = (await readdir(join(out, "sing"))).filter((name) => name.endsWith(".wav"));
    expect(wavs).toHaveLength(1);
    const audio = decodeWav(await readFile(join(out, "sing", wavs[0]!)));
    expect(audio.sampleRate).toBe(32000);
    expect(audio.channels[0]).toHaveLength(SUNG_SAMPLES);
    expect(audio.channels[0]!.some((v) => v !== 0)).toBe(true);
  });

  it("resumes: a second run into the same --out skips every step and model that exists", async () => {
    const stoksFile = stepPath(join(out, "corpus"), 0, "stoks");
    const before = (await stat(stoksFile)).mtimeMs;
    const wav = (await readdir(join(out, "sing"))).find((name) => name.endsWith(".wav"))!;
    const sung = await readFile(join(out, "sing", wav));
    const manifest = await readFile(join(out, "models", "models.json"), "utf8");
    const again = await cli("demo", "--out", out, "--songs", "2", "--steps", "2", "--seed", "1");
    expect(again.code).toBe(0);
    const stageLines = again.stdout.split("\n").filter((line) => /^\[\d+\] .*\(\d+\.\d s\)$/.test(line));
    // Every stage but sing reports what it reused.
    expect(stageLines).toHaveLength(14);
    for (const line of stageLines.slice(0, -1)) expect(line).toMatch(/exists/);
    expect(again.stdout).not.toMatch(/^\s+\d+ rows/m);
    expect((await stat(stoksFile)).mtimeMs).toBe(before);
    expect(again.stderr).not.toContain("tfjs backend");
    // Seeded: the same models and seed sing the same bytes.
    expect(await readFile(join(out, "sing", wav))).toEqual(sung);
    // The manifest of made models has no time in it: a second run writes the same bytes.
    expect(await readFile(join(out, "models", "models.json"), "utf8")).toBe(manifest);
  }, 120_000);
});
