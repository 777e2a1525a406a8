import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { type InferenceSession, float32Tensor, int64Tensor, openOnnxSession } from "@autosing/onnx";
import { type StateDict, readSafetensors, writeSafetensors } from "@autosing/safetensors";

import type { ImportedModel } from "../src/index.js";
import { SNAC_IMPORTER } from "../src/index.js";
import { runImporter, scratch } from "./import-helpers.js";

export { scratch };

export const FIXTURES = join(import.meta.dirname, "__fixtures__", "snac");

export interface SnacGolden {
  hop: number;
  encodeMultiple: number;
  inputSamples: number;
  codes: number[][];
  decodedShape: number[];
  decodedMaxAbs: number;
}

export interface SnacFixture {
  dir: string;
  golden: SnacGolden;
  input: Float32Array;
  decoded: Float32Array;
}

export function readFixture(name: "32khz" | "24khz"): SnacFixture {
  const dir = join(FIXTURES, name);
  const golden = JSON.parse(readFileSync(join(dir, "golden.json"), "utf8")) as SnacGolden;
  const pcm = readFileSync(join(dir, "input.i16"));
  const input = Float32Array.from(new Int16Array(pcm.buffer, pcm.byteOffset, pcm.byteLength / 2), (v) => v / 32768);
  const raw = readFileSync(join(dir, "decoded.f32"));
  const decoded = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
  return { dir, golden, input, decoded };
}

/**
 * A SNAC directory with the fixture's config.json and model.safetensors only (the importer picks
 * pytorch_model.bin first where both exist; snac-golden.test.ts checks that both give the same graphs).
 */
export function safetensorsDirectory(fixture: SnacFixture): string {
  const dir = scratch("snac-source-");
  for (const file of ["config.json", "model.safetensors"]) copyFileSync(join(fixture.dir, file), join(dir, file));
  return dir;
}

export async function importSnac(dir: string, outputDir = scratch("snac-import-")): Promise<{ outputDir: string; model: ImportedModel; log: string[] }> {
  return runImporter(SNAC_IMPORTER, dir, outputDir);
}

/** The codes per level of the imported encoder for `input` [1, 1, N]. */
export async function encodeWith(encoder: InferenceSession, input: Float32Array, levels: number): Promise<number[][]> {
  const outputs = await encoder.run({ input_values: float32Tensor(input, [1, 1, input.length]) });
  return Array.from({ length: levels }, (_, i) => Array.from(outputs[`audio_codes.${i}`]!.data as BigInt64Array, Number));
}

/** The imported decoder's audio for codes per level, noise zeroed (noise_scale 0). */
export async function decodeWith(decoder: InferenceSession, codes: number[][]): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const feeds: Record<string, ReturnType<typeof int64Tensor> | ReturnType<typeof float32Tensor>> = {};
  codes.forEach((level, i) => (feeds[`audio_codes.${i}`] = int64Tensor(level, [1, level.length])));
  if (decoder.inputNames.includes("noise_scale")) feeds.noise_scale = float32Tensor(new Float32Array([0]), []);
  const out = (await decoder.run(feeds)).audio_values!;
  return { data: out.data as Float32Array, dims: out.dims };
}

export async function openImported(outputDir: string): Promise<{ encoder: InferenceSession; decoder: InferenceSession; release(): Promise<void> }> {
  const encoder = await openOnnxSession(join(outputDir, "encoder.onnx"), { threads: 1 });
  const decoder = await openOnnxSession(join(outputDir, "decoder.onnx"), { threads: 1 });
  return { encoder, decoder, release: async () => void (await Promise.all([encoder.release(), decoder.release()])) };
}

/** Fraction of positions where two code lists agree. */
export function agreement(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) return 0;
  return a.filter((v, i) => v === b[i]).length / a.length;
}

/** max |a − b| / max |b|. */
export function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/**
 * A copy of a fixture directory whose state dict went through `edit` (keys renamed, added,
 * dropped or reshaped) and whose config.json went through `editConfig`.
 */
export function editedDirectory(fixture: SnacFixture, edit: (state: StateDict) => StateDict, editConfig: (config: Record<string, unknown>) => Record<string, unknown> = (c) => c): string {
  const dir = scratch("snac-edited-");
  const { tensors } = readSafetensors(readFileSync(join(fixture.dir, "model.safetensors")), "model.safetensors");
  writeFileSync(join(dir, "model.safetensors"), writeSafetensors(edit(tensors)));
  const config = JSON.parse(readFileSync(join(fixture.dir, "config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "config.json"), JSON.stringify(editConfig(config)));
  return dir;
}

/** A state dict with every key mapped through `rename`. */
export function renamed(state: StateDict, rename: (key: string) => string): StateDict {
  return new Map([...state].map(([key, tensor]) => [rename(key), tensor]));
}

/** `parametrizations.weight.original0/1` → `weight_g/weight_v` (the older weight-norm key style). */
export function olderKey(key: string): string {
  return key.replace(/parametrizations\.weight\.original0$/, "weight_g").replace(/parametrizations\.weight\.original1$/, "weight_v");
}
