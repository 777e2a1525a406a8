import { type Fail, TorchStorageType } from "./allowed-globals.js";
import { describePickleValue } from "./pickle-values.js";

/** A persistent id as torch.save writes it: `('storage', storage_type, key, location, numel[, view_metadata])`. */
export interface StorageId {
  readonly storageType: TorchStorageType;
  readonly key: string;
  readonly numel: number;
  /** Legacy files only: `(view_key, offset, size)` in elements, for a view of another storage. */
  readonly view?: { readonly offset: number; readonly size: number };
}

/** Checks a persistent id's shape and types; anything else (a hand-made pickle's ids) is refused. */
export function parseStorageId(pid: unknown, fail: Fail): StorageId {
  if (!Array.isArray(pid) || pid.length < 5 || pid[0] !== "storage") {
    fail(`a persistent id must be ('storage', type, key, location, numel), got ${describePickleValue(pid)}`);
  }
  const [, storageType, key, , numel, view] = pid as unknown[];
  if (!(storageType instanceof TorchStorageType)) fail(`a storage's type must be a torch storage class such as torch.FloatStorage, got ${describePickleValue(storageType)}`);
  if (typeof key !== "string" || key === "" || key.includes("..")) fail(`a storage key must be a plain string, got ${describePickleValue(key)}`);
  if (typeof numel !== "number" || !Number.isSafeInteger(numel) || numel < 0) fail(`storage ${key}: its element count must be a non-negative integer, got ${describePickleValue(numel)}`);
  if (view === undefined || view === null) return { storageType, key, numel };
  if (!Array.isArray(view) || view.length !== 3) fail(`storage ${key}: view metadata must be (key, offset, size), got ${describePickleValue(view)}`);
  const [, offset, size] = view as unknown[];
  if (typeof offset !== "number" || typeof size !== "number" || !Number.isSafeInteger(offset) || !Number.isSafeInteger(size) || offset < 0 || size < 0 || offset + size > numel) {
    fail(`storage ${key}: view (${String(offset)}, ${String(size)}) does not fit its ${numel} elements`);
  }
  return { storageType, key, numel, view: { offset, size } };
}
