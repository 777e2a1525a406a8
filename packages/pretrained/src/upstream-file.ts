import { closeSync, openSync, readFileSync, readSync } from "node:fs";

import type { StateDict } from "@autosing/safetensors";
import { SafetensorsError, SafetensorsFormatError, readSafetensors } from "@autosing/safetensors";
import { PickleGlobal, PickleObject, TorchDtypeValue, TorchFileError, TorchTensor, openTorchFile } from "@autosing/torch-files";

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
   * Also: an int beyond ±2^53 is its decimal string, `bytes` are `{ $bytes: <length> }`, a set is
   * an array, a `torch.float32`-style dtype object is the string `"torch.float32"`.
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

/** Deeper than this, a pickled value is refused: no checkpoint nests configs this far. */
const maxDepth = 256;

/**
 * Opens a published weights file, dispatching on its first bytes: `PK` (a torch.save zip
 * archive) or `0x80` (a legacy torch.save pickle stream) go to @autosing/torch-files' restricted
 * unpickler, which never runs code from the file; anything else is read as safetensors. Torch
 * tensors are read from the file when `read()` is called; every failure is a
 * `PretrainedSourceError` naming the file and, where known, the key.
 */
export async function openUpstreamFile(path: string): Promise<UpstreamFile> {
  const head = firstBytes(path);
  // A safetensors file starts with its header length (u64 LE), whose low byte may well be 0x80 or
  // 'P', and then its JSON header: '{' at byte 8 is safetensors; a torch.save file never has it there.
  if (head[8] === 0x7b) return openSafetensors(path);
  if ((head[0] === 0x50 && head[1] === 0x4b) || head[0] === 0x80) return openPyTorch(path);
  return openSafetensors(path);
}

function firstBytes(path: string): Uint8Array {
  let fd: number | undefined;
  try {
    fd = openSync(path, "r");
    const head = new Uint8Array(9);
    const count = readSync(fd, head, 0, 9, 0);
    return head.subarray(0, count);
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message})`);
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function fromTorchError(error: unknown): unknown {
  return TorchFileError.isInstance(error) ? new PretrainedSourceError(error.file, error.detail, error.where) : error;
}

function openPyTorch(path: string): UpstreamFile {
  let file;
  try {
    file = openTorchFile(path);
  } catch (error) {
    throw fromTorchError(error);
  }
  try {
    const tensors = new Map<string, UpstreamTensor>();
    for (const [name, tensor] of file.tensors) {
      tensors.set(name, {
        shape: tensor.shape,
        dtype: tensor.dtype,
        read: () => {
          try {
            return tensor.readFloat32();
          } catch (error) {
            throw fromTorchError(error);
          }
        },
      });
    }
    const root = plainValue(file.root, path, "", 0, new Set());
    return { path, root, tensors, close: () => file.close() };
  } catch (error) {
    file.close();
    throw error;
  }
}

/** The unpickled tree as the plain values the `root` contract promises. */
function plainValue(value: unknown, file: string, path: string, depth: number, ancestors: Set<unknown>): unknown {
  if (value instanceof TorchTensor) return { $tensor: value.path };
  if (value instanceof PickleObject || value instanceof PickleGlobal) return { $global: value.qualifiedName };
  if (value instanceof TorchDtypeValue) return `torch.${value.name}`;
  if (value instanceof Uint8Array) return { $bytes: value.length };
  if (typeof value === "bigint") return value.toString();
  if (typeof value !== "object" || value === null) return value;
  if (depth > maxDepth) throw new PretrainedSourceError(file, `nests values deeper than ${maxDepth} levels; no checkpoint does — the file is corrupt or hostile`, path);
  if (ancestors.has(value)) throw new PretrainedSourceError(file, "contains itself (a cyclic pickle); no checkpoint does — the file is corrupt or hostile", path);
  ancestors.add(value);
  const join = (key: string): string => (path === "" ? key : `${path}.${key}`);
  let out: unknown;
  if (value instanceof Map) {
    const object: Record<string, unknown> = {};
    for (const [key, item] of value) {
      const name = typeof key === "string" ? key : String(key);
      Object.defineProperty(object, name, { value: plainValue(item, file, join(name), depth + 1, ancestors), enumerable: true, writable: true, configurable: true });
    }
    out = object;
  } else if (Array.isArray(value) || value instanceof Set) {
    out = [...value].map((item: unknown, index) => plainValue(item, file, join(String(index)), depth + 1, ancestors));
  } else {
    out = { $global: value.constructor.name };
  }
  ancestors.delete(value);
  return out;
}

function openSafetensors(path: string): UpstreamFile {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message})`);
  }
  let contents: ReturnType<typeof readSafetensors>;
  try {
    contents = readSafetensors(bytes, path);
  } catch (error) {
    if (!SafetensorsError.isInstance(error)) throw error;
    const detail = SafetensorsFormatError.isInstance(error) ? error.detail : error.message;
    throw new PretrainedSourceError(path, `is neither a PyTorch file (a torch.save zip archive or pickle) nor safetensors: ${detail}`);
  }
  const { tensors, metadata } = contents;
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
