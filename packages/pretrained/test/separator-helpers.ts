// Shared by the separator tests: the golden fixtures of scripts/golden/mel_band_roformer.py and
// scripts/golden/bs_roformer.py.
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";

import { hannWindow, stft } from "@autosing/audio-codec";
import { float32Tensor, openOnnxSession } from "@autosing/onnx";
import { type RoformerModelFile, type SeparatedStems, loadRoformerSeparator } from "@autosing/separation";
import { expect } from "vitest";

import { PretrainedSourceError, RoformerEmitter, type RoformerEmitterOptions, RoformerWeights, SEPARATOR_IMPORTER, openUpstreamFile, readRoformerYaml, roformerArchitecture, roformerShapes } from "../src/index.js";

export const separatorFixtures = join(fileURLToPath(new URL(".", import.meta.url)), "__fixtures__", "mel-band-roformer");
export const tinyCheckpoint = join(separatorFixtures, "model_mel_band_roformer_tiny.ckpt");
export const tinyYaml = join(separatorFixtures, "model_mel_band_roformer_tiny.yaml");

export const bsFixtures = join(fileURLToPath(new URL(".", import.meta.url)), "__fixtures__", "bs-roformer");
export const bsCheckpoint = join(bsFixtures, "model_bs_roformer_tiny.ckpt");
export const bsYaml = join(bsFixtures, "model_bs_roformer_tiny.yaml");

/** golden.json of scripts/golden/bs_roformer.py. */
export interface BsRoformerGolden {
  readonly overlapSeconds: number;
  readonly chunkSize: number;
  readonly songSamples: number;
  readonly freqsPerBands: number[];
  /** Tensors in upstream's state dict (the importer checks each). */
  readonly stateDictKeys: number;
  readonly chunkMasksShape: number[];
  readonly chunkVocalsShape: number[];
}

export const bsGolden = JSON.parse(readFileSync(join(bsFixtures, "golden.json"), "utf8")) as BsRoformerGolden;

export interface SeparatorGolden {
  readonly overlapSeconds: number;
  readonly chunkSize: number;
  readonly songSamples: number;
  readonly freqIndices: number[];
  readonly numBandsPerFreq: number[];
  readonly numFreqsPerBand: number[];
  readonly chunkMasksShape: number[];
  readonly chunkVocalsShape: number[];
  /** The loud-*.f32 input is mix.f32 × loudGain; the fork scales it to peak normalizationThreshold. */
  readonly loudGain: number;
  readonly normalizationThreshold: number;
}

export const separatorGolden = JSON.parse(readFileSync(join(separatorFixtures, "golden.json"), "utf8")) as SeparatorGolden;

/** A float32 fixture of the Mel-Band folder, or of `dir`. */
export function readF32(name: string, dir = separatorFixtures): Float32Array {
  const bytes = readFileSync(join(dir, name));
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A [channels, length] row-major array as channels. */
export function channelsOf(data: Float32Array, channels: number): Float32Array[] {
  const length = data.length / channels;
  return Array.from({ length: channels }, (_, c) => data.slice(c * length, (c + 1) * length));
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: readonly Float32Array[], expected: readonly Float32Array[]): number {
  let diff = 0;
  let scale = 0;
  expected.forEach((channel, c) => {
    channel.forEach((v, i) => {
      diff = Math.max(diff, Math.abs(actual[c]![i]! - v));
      scale = Math.max(scale, Math.abs(v));
    });
  });
  return diff / scale;
}

/**
 * The imported graph's masks on the song's first chunk: each channel's STFT (periodic Hann) laid
 * out as the graph reads it, [1, bins × channels (interleaved), frames, re/im].
 */
export async function firstChunkMasks(graph: string, mix: readonly Float32Array[], facts: RoformerModelFile, chunkSize: number): Promise<{ dims: readonly number[]; data: unknown }> {
  const frames = facts.dimT;
  const rows = 2 * (facts.nFft / 2 + 1);
  const input = new Float32Array(rows * frames * 2);
  mix.forEach((channel, s) => {
    const spec = stft(channel.subarray(0, chunkSize), { nFft: facts.nFft, hopLength: facts.hopLength, window: hannWindow(facts.nFft) });
    for (let f = 0; f < spec.nFreq; f++) {
      for (let t = 0; t < frames; t++) {
        input[((f * 2 + s) * frames + t) * 2] = spec.re[f * frames + t]!;
        input[((f * 2 + s) * frames + t) * 2 + 1] = spec.im[f * frames + t]!;
      }
    }
  });
  const session = await openOnnxSession(graph);
  try {
    const out = (await session.run({ stft: float32Tensor(input, [1, rows, frames, 2]) }))["masks"]!;
    return { dims: out.dims, data: out.data };
  } finally {
    await session.release();
  }
}

/** Runs the separator importer on `sources`, expecting a refusal that leaves the output folder empty. */
export async function failedSeparatorImport(sources: string[]): Promise<PretrainedSourceError> {
  const outputDir = mkdtempSync(join(tmpdir(), "separator-bad-"));
  let caught: unknown;
  try {
    await SEPARATOR_IMPORTER.run(sources, {}, { outputDir, log: () => undefined });
  } catch (error) {
    caught = error;
  }
  expect(PretrainedSourceError.isInstance(caught)).toBe(true);
  expect(readdirSync(outputDir)).toEqual([]);
  return caught as PretrainedSourceError;
}

/** The YAML `yaml` (same file name) with `edit` applied, in a fresh folder. */
export function editedYaml(yaml: string, edit: (text: string) => string): string {
  const path = join(mkdtempSync(join(tmpdir(), "separator-yaml-")), basename(yaml));
  writeFileSync(path, edit(readFileSync(yaml, "utf8")));
  return path;
}

/** One separation of `audio` by the imported model in `dir` (the fork's demix at `overlapSeconds`), the session released after. */
export async function separateOnce(dir: string, overlapSeconds: number, audio: { sampleRate: number; channels: Float32Array[] }): Promise<SeparatedStems> {
  const separator = await loadRoformerSeparator(dir, { overlapSeconds });
  try {
    return await separator.separate({ id: "song_at_0", audio });
  } finally {
    await separator.dispose();
  }
}

/** The graph RoformerEmitter writes for a checkpoint + YAML with `options` (e.g. the standard-ONNX A/B form), as a model file. */
export async function emittedGraph(checkpoint: string, yaml: string, options: RoformerEmitterOptions): Promise<string> {
  const architecture = roformerArchitecture((await readRoformerYaml(yaml)).variant);
  const file = await openUpstreamFile(checkpoint);
  try {
    const weights = new RoformerWeights(file.tensors, roformerShapes(architecture), checkpoint, yaml);
    const path = join(mkdtempSync(join(tmpdir(), "separator-graph-")), "separator.onnx");
    writeFileSync(path, new RoformerEmitter(architecture, weights, options).emit().graph.toBytes());
    return path;
  } finally {
    file.close();
  }
}
