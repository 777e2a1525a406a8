import type { FileByteSource } from "./byte-source.js";
import { DTYPE_SIZES } from "./dtypes.js";
import { TorchFileError } from "./errors.js";
import { parseStorageId } from "./storage-ids.js";
import { TorchStorage } from "./torch-tensor.js";
import { unpickle } from "./unpickler.js";

/** torch/serialization.py MAGIC_NUMBER and PROTOCOL_VERSION of the legacy stream. */
const legacyMagic = 0x1950a86a20f9469cfc6cn;
const legacyProtocol = 1001;

/**
 * Port of the legacy branch of torch/serialization.py `_legacy_load` (the format of
 * `_use_new_zipfile_serialization=False` and of torch < 1.6): five pickles in a row — the magic
 * number, the protocol version, `sys_info`, the object (storages as persistent ids), the sorted
 * storage keys — then each storage in that key order as an 8-byte little-endian element count and
 * its raw bytes. The storages' offsets are known only after the key list, so they are placed then;
 * nothing reads storage bytes here.
 */
export function readLegacyTorchFile(source: FileByteSource): unknown {
  const fail = (detail: string, where?: string): never => {
    throw new TorchFileError(source.path, detail, where);
  };
  const next = (start: number, label: string, persistentLoad?: Parameters<typeof unpickle>[0]["persistentLoad"]) =>
    unpickle({ source, start, end: source.size, label, persistentLoad });
  const magic = next(0, "legacy magic number");
  if (magic.value !== legacyMagic) fail("is a pickle but not a torch.save file (its first pickle is not torch's magic number)", "legacy header");
  const protocol = next(magic.end, "legacy protocol version");
  if (protocol.value !== legacyProtocol) fail(`has serialization protocol ${String(protocol.value)}; only ${legacyProtocol} exists`, "legacy header");
  const sysInfo = next(protocol.end, "legacy sys_info");
  if (sysInfo.value instanceof Map && sysInfo.value.get("little_endian") === false) fail("was written on a big-endian machine; only little-endian files are read", "legacy sys_info");

  const roots = new Map<string, { dtype: TorchStorage["dtype"]; numel: number }>();
  const placements: { storage: TorchStorage; rootKey: string; elementOffset: number }[] = [];
  const cache = new Map<string, TorchStorage>();
  const object = next(sysInfo.end, "legacy object pickle", (pid, failHere) => {
    const id = parseStorageId(pid, failHere);
    const dtype = id.storageType.dtype;
    const known = roots.get(id.key);
    if (known !== undefined && (known.dtype !== dtype || known.numel !== id.numel)) failHere(`storage ${id.key} is referenced as ${known.numel} ${known.dtype} and as ${id.numel} ${dtype}`);
    roots.set(id.key, { dtype, numel: id.numel });
    const cacheKey = `${id.key}:${id.view?.offset ?? ""}:${id.view?.size ?? ""}`;
    const cached = cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const storage = new TorchStorage(source, id.key, dtype, id.view?.size ?? id.numel, -1);
    cache.set(cacheKey, storage);
    placements.push({ storage, rootKey: id.key, elementOffset: id.view?.offset ?? 0 });
    return storage;
  });
  const keys = next(object.end, "legacy storage keys");
  if (!Array.isArray(keys.value) || !keys.value.every((key) => typeof key === "string")) fail("its storage key list is not a list of strings", "legacy storage keys");

  const offsets = new Map<string, number>();
  let position = keys.end;
  for (const key of keys.value as string[]) {
    const root = roots.get(key) ?? fail(`lists storage ${key}, which no tensor uses: the file is corrupt`, "legacy storage keys");
    const count = new DataView(source.read(position, 8, `storage ${key}`).buffer).getBigInt64(0, true);
    if (count !== BigInt(root.numel)) fail(`storage ${key} records ${count} elements but its tensors expect ${root.numel}`, `storage ${key}`);
    offsets.set(key, position + 8);
    position += 8 + root.numel * DTYPE_SIZES[root.dtype];
    if (position > source.size) fail(`storage ${key} runs past the end of the ${source.size}-byte file: it is truncated`, `storage ${key}`);
  }
  for (const { storage, rootKey, elementOffset } of placements) {
    const offset = offsets.get(rootKey) ?? fail(`storage ${rootKey} is used but missing from the storage key list: the file is corrupt`, "legacy storage keys");
    storage.byteOffset = offset + elementOffset * DTYPE_SIZES[storage.dtype];
  }
  return object.value;
}
