// The separator importer on a BS-RoFormer checkpoint against upstream itself (the fork's
// bs_roformer.py at reduced width, scripts/golden/bs_roformer.py): the contiguous band layout, the
// network's masks on one chunk, one chunk separated, and a song longer than two chunks through the
// fork's MDXCSeparator.demix (chunk boundaries, the end-aligned last chunk) within 1e-4; then the
// refusals of a BS-RoFormer YAML that does not fit its STFT or its checkpoint.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROFORMER_MODEL_FILE, type RoformerModelFile } from "@autosing/separation";
import { beforeAll, describe, expect, it } from "vitest";

import { SEPARATOR_IMPORTER } from "../src/index.js";
import { bsCheckpoint, bsFixtures, editedYaml, emittedGraph, failedSeparatorImport, firstChunkMasks, bsGolden as golden, bsYaml, channelsOf, separateOnce, readF32, relativeError, tinyCheckpoint } from "./separator-helpers.js";

const SAMPLE_RATE = 44_100;
const mix = channelsOf(readF32("mix.f32", bsFixtures), 2);
let dir = "";
let facts: RoformerModelFile;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "separator-bs-"));
  const imported = await SEPARATOR_IMPORTER.run([bsCheckpoint, bsYaml], {}, { outputDir: dir, log: (line) => logged.push(line) });
  expect(imported.files).toEqual({ separator: "separator.onnx", facts: ROFORMER_MODEL_FILE, separatorData: "separator.onnx.data" });
  facts = JSON.parse(readFileSync(join(dir, ROFORMER_MODEL_FILE), "utf8")) as RoformerModelFile;
});

describe("BS-RoFormer import (golden, upstream BSRoformer + MDXCSeparator.demix)", () => {
  it("records the variant and the contiguous bands: every row once, in order, each bin in one band", () => {
    expect(facts).toMatchObject({ kind: "bs-roformer", sampleRate: SAMPLE_RATE, channels: 2, nFft: 128, hopLength: 32, dimT: 33, stems: ["vocals"] });
    expect(facts.freqIndices).toEqual(Array.from({ length: 2 * 65 }, (_, row) => row));
    expect(facts.bandsPerFreq).toEqual(Array<number>(65).fill(1));
    expect(logged.join("\n")).toMatch(new RegExp(`BS-RoFormer, dim 8, depth 2, ${golden.freqsPerBands.length} bands, ${golden.stateDictKeys} tensors checked`));
  });

  it("the graph's masks on the first chunk match upstream's mask estimator", async () => {
    const out = await firstChunkMasks(join(dir, "separator.onnx"), mix, facts, golden.chunkSize);
    expect(out.dims).toEqual([1, 1, ...golden.chunkMasksShape.slice(1)]);
    expect(relativeError([out.data as Float32Array], [readF32("chunk-masks.f32", bsFixtures)])).toBeLessThan(1e-4);
  });

  it("the standard-ONNX form (contribOps: false, the benches' A/B reference) gives the same masks", async () => {
    const out = await firstChunkMasks(await emittedGraph(bsCheckpoint, bsYaml, { contribOps: false }), mix, facts, golden.chunkSize);
    expect(relativeError([out.data as Float32Array], [readF32("chunk-masks.f32", bsFixtures)])).toBeLessThan(1e-4);
  });

  it("separates one chunk as upstream's forward does", async () => {
    const audio = { sampleRate: SAMPLE_RATE, channels: mix.map((c) => c.slice(0, golden.chunkSize)) };
    const { vocals } = await separateOnce(dir, golden.overlapSeconds, audio);
    expect(relativeError(vocals.channels, channelsOf(readF32("chunk-vocals.f32", bsFixtures), 2))).toBeLessThan(1e-4);
  });

  it("separates a song longer than two chunks as the fork's demix does; instrumental = mix − vocals", async () => {
    const { vocals, instrumental } = await separateOnce(dir, golden.overlapSeconds, { sampleRate: SAMPLE_RATE, channels: mix });
    expect(vocals.channels.map((c) => c.length)).toEqual([golden.songSamples, golden.songSamples]);
    expect(relativeError(vocals.channels, channelsOf(readF32("vocals.f32", bsFixtures), 2))).toBeLessThan(1e-4);
    const sum = instrumental.channels.map((c, ch) => c.map((v, i) => v + vocals.channels[ch]![i]!));
    expect(relativeError(sum, mix)).toBeLessThan(1e-6);
  });
});

describe("BS-RoFormer import: bad input", () => {
  const failedImport = failedSeparatorImport;
  const yamlWith = (edit: (text: string) => string): string => editedYaml(bsYaml, edit);

  it("freqs_per_bands that do not sum to the STFT's bins are refused with both numbers", async () => {
    const error = await failedImport([bsCheckpoint, yamlWith((t) => t.replace("  - 33\n", "  - 32\n"))]);
    expect(error.source).toMatch(/model_bs_roformer_tiny\.yaml$/);
    expect(error.key).toBe("model.freqs_per_bands");
    expect(error.detail).toMatch(/sum to 64 but the STFT \(stft_n_fft 128\) has 65 bins/);
  });

  it("a single band, a missing model.dim, and linear attention layers are refused by field", async () => {
    const single = await failedImport([bsCheckpoint, yamlWith((t) => t.replace(/ {2}freqs_per_bands: !!python\/tuple\n( {2}- \d+\n)+/, "  freqs_per_bands: [65]\n"))]);
    expect(single.detail).toMatch(/freqs_per_bands: needs at least 2 bands/);
    const noDim = await failedImport([bsCheckpoint, yamlWith((t) => t.replace("  dim: 8\n", ""))]);
    expect(noDim.detail).toMatch(/^dim: /);
    const linear = await failedImport([bsCheckpoint, yamlWith((t) => t.replace("linear_transformer_depth: 0", "linear_transformer_depth: 1"))]);
    expect(linear.key).toBe("model.linear_transformer_depth");
  });

  it.each(["skip_connection: true", "sample_rate: 44100"])("a model key the fork's BSRoformer does not take (%s) is refused by name, as upstream's constructor refuses it", async (line) => {
    const error = await failedImport([bsCheckpoint, yamlWith((t) => t.replace("  dim: 8\n", `  dim: 8\n  ${line}\n`))]);
    expect(error.key).toBe(`model.${line.split(":")[0]!}`);
    expect(error.detail).toMatch(/not a parameter of the pinned audio-separator fork's BSRoformer/);
  });

  it.each([
    ["a deeper mask MLP", (t: string) => t.replace("mask_estimator_depth: 2", "mask_estimator_depth: 3"), "mask_estimators.0.to_freqs.0.0.2.weight", /has shape \[16, 32\], expected \[32, 32\]/],
    ["other band widths", (t: string) => t.replace("  - 2\n  - 2\n  - 4\n", "  - 4\n  - 2\n  - 2\n"), "band_split.to_features.0.0.gamma", /has shape \[8\], expected \[16\]/],
  ])("a YAML of %s names the checkpoint's key", async (_what, edit, key, detail) => {
    const error = await failedImport([bsCheckpoint, yamlWith(edit)]);
    expect(error.source).toBe(bsCheckpoint);
    expect(error.key).toBe(key);
    expect(error.detail).toMatch(detail);
  });

  it("a Mel-Band checkpoint with a BS-RoFormer YAML is refused at the first tensor the variants differ in", async () => {
    const error = await failedImport([tinyCheckpoint, bsYaml]);
    expect(error.source).toBe(tinyCheckpoint);
    expect(error.key).toBe("final_norm.gamma");
    expect(error.detail).toMatch(/is missing; .* does not describe this checkpoint/);
  });
});
