// The separator importer against upstream itself: the band layout librosa's mel filters give,
// the network's masks on one chunk, one chunk separated, and the whole input through the fork's
// MDXCSeparator.demix (chunks, Hamming overlap-add, the end-aligned last chunk) within 1e-4.
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { ROFORMER_MODEL_FILE, type RoformerModelFile } from "@autosing/separation";
import { beforeAll, describe, expect, it } from "vitest";

import { SEPARATOR_IMPORTER } from "../src/index.js";
import { channelsOf, emittedGraph, separateOnce, firstChunkMasks, readF32, relativeError, separatorGolden as golden, tinyCheckpoint, tinyYaml } from "./separator-helpers.js";

const SAMPLE_RATE = 44_100;
let dir = "";
let facts: RoformerModelFile;
const mix = channelsOf(readF32("mix.f32"), 2);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "separator-golden-"));
  const imported = await SEPARATOR_IMPORTER.run([tinyCheckpoint, tinyYaml], {}, { outputDir: dir, log: () => undefined });
  expect(imported.files).toEqual({ separator: "separator.onnx", facts: ROFORMER_MODEL_FILE, separatorData: "separator.onnx.data" });
  facts = JSON.parse(readFileSync(join(dir, ROFORMER_MODEL_FILE), "utf8")) as RoformerModelFile;
});

describe("Mel-Band RoFormer import (golden, upstream MelBandRoformer + MDXCSeparator.demix)", () => {
  it("derives upstream's band layout from the Slaney mel filters", () => {
    expect(facts.freqIndices).toEqual(golden.freqIndices);
    expect(facts.bandsPerFreq).toEqual(golden.numBandsPerFreq);
    expect(facts).toMatchObject({ kind: "mel-band-roformer", sampleRate: SAMPLE_RATE, channels: 2, nFft: 128, hopLength: 32, dimT: 33, stems: ["vocals"] });
  });

  it("the graph's masks on the first chunk match upstream's mask estimator", async () => {
    const out = await firstChunkMasks(join(dir, "separator.onnx"), mix, facts, golden.chunkSize);
    expect(out.dims).toEqual([1, 1, ...golden.chunkMasksShape.slice(1)]);
    expect(relativeError([out.data as Float32Array], [readF32("chunk-masks.f32")])).toBeLessThan(1e-4);
  });

  it("the standard-ONNX form (contribOps: false, the benches' A/B reference) gives the same masks", async () => {
    const out = await firstChunkMasks(await emittedGraph(tinyCheckpoint, tinyYaml, { contribOps: false }), mix, facts, golden.chunkSize);
    expect(relativeError([out.data as Float32Array], [readF32("chunk-masks.f32")])).toBeLessThan(1e-4);
  });

  it("separates one chunk as upstream's forward does", async () => {
    const audio = { sampleRate: SAMPLE_RATE, channels: mix.map((c) => c.slice(0, golden.chunkSize)) };
    const { vocals } = await separateOnce(dir, golden.overlapSeconds, audio);
    expect(relativeError(vocals.channels, channelsOf(readF32("chunk-vocals.f32"), 2))).toBeLessThan(1e-4);
  });

  it("separates a song longer than two chunks as the fork's demix does; instrumental = mix − vocals", async () => {
    const { vocals, instrumental } = await separateOnce(dir, golden.overlapSeconds, { sampleRate: SAMPLE_RATE, channels: mix });
    expect(vocals.channels.map((c) => c.length)).toEqual([golden.songSamples, golden.songSamples]);
    expect(relativeError(vocals.channels, channelsOf(readF32("vocals.f32"), 2))).toBeLessThan(1e-4);
    const sum = instrumental.channels.map((c, ch) => c.map((v, i) => v + vocals.channels[ch]![i]!));
    expect(relativeError(sum, mix)).toBeLessThan(1e-6);
  });

  it("scales a mix louder than the fork's 0.9 threshold to it before demixing (spec_utils.normalize), as separate_batched does", async () => {
    const loud = mix.map((c) => c.map((v) => v * golden.loudGain));
    const { vocals, instrumental } = await separateOnce(dir, golden.overlapSeconds, { sampleRate: SAMPLE_RATE, channels: loud });
    expect(relativeError(vocals.channels, channelsOf(readF32("loud-vocals.f32"), 2))).toBeLessThan(1e-4);
    expect(relativeError(instrumental.channels, channelsOf(readF32("loud-instrumental.f32"), 2))).toBeLessThan(1e-4);
    // The stems sum to the mix at the fork's level: peak 0.9, not the input's.
    const sum = instrumental.channels.map((c, ch) => c.map((v, i) => v + vocals.channels[ch]![i]!));
    expect(Math.max(...sum.map((c) => Math.max(...c.map(Math.abs))))).toBeCloseTo(golden.normalizationThreshold, 5);
  });
});
