import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { TorchTensor } from "../src/index.js";

export const fixtures = join(import.meta.dirname, "__fixtures__");

export interface ExpectedFixtures {
  state: Record<string, unknown>;
  custom: Record<string, unknown>;
  pwned_marker: string;
}

export const expected = JSON.parse(readFileSync(join(fixtures, "expected.json"), "utf8")) as ExpectedFixtures;

export function scratchDir(): string {
  return mkdtempSync(join(tmpdir(), "torch-files-test-"));
}

/** A TorchFile root in expected.json's form: dicts as objects, tuples as `$tuple`, big ints as `$int`, tensors read. */
export function comparable(value: unknown): unknown {
  if (value instanceof TorchTensor) {
    const integer = value.dtype === "int64" || value.dtype === "int32";
    const values = integer ? Array.from(value.readInt64(), String) : Array.from(value.readFloat32());
    return { $tensor: { dtype: value.dtype, shape: [...value.shape], values } };
  }
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), comparable(v)]));
  if (Array.isArray(value)) return Object.isFrozen(value) ? { $tuple: value.map(comparable) } : value.map(comparable);
  if (typeof value === "bigint") return { $int: value.toString() };
  return value;
}
