import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import { float32Tensor, openOnnxSession } from "@autosing/onnx";
import { type StateDict, writeSafetensors } from "@autosing/safetensors";

import { FRAME_CLASSIFIER_IMPORTER, type ImportedModel, openUpstreamFile, stateDictUnder } from "../src/index.js";
import { runImporter, scratch } from "./import-helpers.js";

export { scratch };

export const FIXTURES = join(import.meta.dirname, "__fixtures__", "frame-classifier");
export type FixtureName = "stable-ctc" | "group-frame";

export interface FrameFixture {
  readonly dir: string;
  readonly input: Float32Array;
  /** Upstream's logits [1, frames, classes], log-softmaxed here in float64 (what the graph outputs). */
  readonly logProbabilities: Float32Array;
  readonly shape: readonly number[];
  readonly argmax: readonly number[];
}

function floats(path: string): Float32Array {
  const raw = readFileSync(path);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

export function readFixture(name: FixtureName): FrameFixture {
  const dir = join(FIXTURES, name);
  const golden = JSON.parse(readFileSync(join(dir, "golden.json"), "utf8")) as { logitsShape: number[]; argmax: number[] };
  const logits = floats(join(dir, "logits.f32"));
  const classes = golden.logitsShape[2]!;
  const out = new Float32Array(logits.length);
  for (let row = 0; row < logits.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c]! - max);
    for (let c = 0; c < classes; c++) out[row + c] = logits[row + c]! - max - Math.log(sum);
  }
  return { dir, input: floats(join(dir, "input.f32")), logProbabilities: out, shape: golden.logitsShape, argmax: golden.argmax };
}

export async function importFrameClassifier(dir: string, outputDir = scratch("fc-import-")): Promise<{ outputDir: string; model: ImportedModel; log: string[] }> {
  return runImporter(FRAME_CLASSIFIER_IMPORTER, dir, outputDir);
}

/** The imported graph's output for `input` [1, N]: values and dims. */
export async function classify(modelPath: string, input: Float32Array): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await openOnnxSession(modelPath, { threads: 1 });
  try {
    const out = (await session.run({ input_values: float32Tensor(input, [1, input.length]) })).logits!;
    return { data: Float32Array.from(out.data as Float32Array), dims: out.dims };
  } finally {
    await session.release();
  }
}

/** The fixture's state dict (pytorch_model.bin, read through the importer's own reader). */
export async function fixtureState(name: FixtureName): Promise<StateDict> {
  const file = await openUpstreamFile(join(FIXTURES, name, "pytorch_model.bin"));
  try {
    return stateDictUnder(file);
  } finally {
    file.close();
  }
}

/** A directory with the fixture's config (through `editConfig`) and its state dict (through `edit`) as model.safetensors. */
export async function editedDirectory(
  name: FixtureName,
  edit: (state: StateDict) => StateDict = (s) => s,
  editConfig: (config: Record<string, unknown>) => Record<string, unknown> = (c) => c,
): Promise<string> {
  const dir = scratch("fc-edited-");
  writeFileSync(join(dir, "model.safetensors"), writeSafetensors(edit(await fixtureState(name))));
  const config = JSON.parse(readFileSync(join(FIXTURES, name, "config.json"), "utf8")) as Record<string, unknown>;
  writeFileSync(join(dir, "config.json"), JSON.stringify(editConfig(config)));
  return dir;
}

/** A copy of the fixture as published (config.json + pytorch_model.bin). */
export function publishedCopy(name: FixtureName): string {
  const dir = scratch("fc-published-");
  for (const file of ["config.json", "pytorch_model.bin"]) copyFileSync(join(FIXTURES, name, file), join(dir, file));
  return dir;
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

export function argmaxRows(data: Float32Array, classes: number): number[] {
  const out: number[] = [];
  for (let row = 0; row < data.length; row += classes) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (data[row + c]! > data[row + best]!) best = c;
    out.push(best);
  }
  return out;
}

export function renamed(state: StateDict, rename: (key: string) => string): StateDict {
  return new Map([...state].map(([key, tensor]) => [rename(key), tensor]));
}
