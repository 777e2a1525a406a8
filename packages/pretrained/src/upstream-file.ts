import { readFileSync } from "node:fs";

import type { StateDict } from "@autosing/safetensors";
import { readSafetensors } from "@autosing/safetensors";

import { PretrainedSourceError } from "./errors.js";

/** One tensor of a published file, read on demand so a 1 GB checkpoint is never held twice. */
export interface UpstreamTensor {
  readonly shape: readonly number[];
  /** The stored element type as PyTorch names it ("float32", "float16", "bfloat16", "int64", …). */
  readonly dtype: string;
  /** The values as float32 in row-major order (halves widened, strides applied). */
  read(): Float32Array;
}

/**
 * A published weights file opened for import: a PyTorch file (`torch.save`, zip or legacy
 * pickle: `pytorch_model.bin`, `.model`, `.ckpt`, `.pt`) or a safetensors file.
 */
export interface UpstreamFile {
  readonly path: string;
  /**
   * The file's object tree as plain values: dicts as objects, lists and tuples as arrays, numbers,
   * strings, booleans and null; each tensor appears as `{ $tensor: "<dotted path>" }` and a pickled
   * object outside the restricted unpickler's list as `{ $global: "<module>.<name>" }` (inert, never
   * called). A safetensors file's root is its `__metadata__`, each value JSON-parsed where it parses.
   */
  readonly root: unknown;
  /**
   * Every tensor by the dotted path of its place in `root`: a `.model` dict gives
   * `state_dict.<key>`, a Lightning `.ckpt` `state_dict.model.<key>`, a bare state dict
   * (`pytorch_model.bin`, safetensors) its keys as they are.
   */
  readonly tensors: ReadonlyMap<string, UpstreamTensor>;
  /** Releases the file handle. */
  close(): void;
}

/**
 * Opens a published weights file. This scaffold reads safetensors only; the torch-files slice
 * adds PyTorch files (dispatching on the first bytes: `PK` zip archive, `0x80` pickle).
 */
export async function openUpstreamFile(path: string): Promise<UpstreamFile> {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message})`);
  }
  const { tensors, metadata } = readSafetensors(bytes, path);
  const root: Record<string, unknown> = {};
  for (const [key, text] of Object.entries(metadata)) {
    try {
      root[key] = JSON.parse(text) as unknown;
    } catch {
      root[key] = text;
    }
  }
  const byName = new Map<string, UpstreamTensor>();
  for (const [name, tensor] of tensors) byName.set(name, { shape: tensor.shape, dtype: "float32", read: () => tensor.data });
  return { path, root, tensors: byName, close: () => undefined };
}

/**
 * The tensors whose dotted path starts with `prefix`, read as float32 under their key with the
 * prefix removed (`stateDictUnder(file, "state_dict.")` gives a `.model` file's state dict).
 */
export function stateDictUnder(file: UpstreamFile, prefix = ""): StateDict {
  const out: StateDict = new Map();
  for (const [name, tensor] of file.tensors) {
    if (!name.startsWith(prefix)) continue;
    out.set(name.slice(prefix.length), { shape: [...tensor.shape], data: tensor.read() });
  }
  return out;
}
