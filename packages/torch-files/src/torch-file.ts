import { type ByteSource, FileByteSource } from "./byte-source.js";
import { DTYPE_SIZES } from "./dtypes.js";
import { TorchFileError } from "./errors.js";
import { readLegacyTorchFile } from "./legacy-format.js";
import { parseStorageId } from "./storage-ids.js";
import { tensorsByPath } from "./tensor-paths.js";
import { TorchStorage, type TorchTensor } from "./torch-tensor.js";
import { unpickle } from "./unpickler.js";
import { memberSource, readZipDirectory } from "./zip-archive.js";

/** An opened PyTorch file: its unpickled object tree and lazy tensors, backed by an open file descriptor. */
export interface TorchFile {
  readonly path: string;
  /** `zip` for `torch.save` since 1.6, `legacy` for `_use_new_zipfile_serialization=False` and older files. */
  readonly format: "zip" | "legacy";
  /** The unpickled value (see pickle-values.ts for how Python values map). */
  readonly root: unknown;
  /** Every tensor reachable through dicts and lists, by dotted path (`state_dict.encoder.weight`). */
  readonly tensors: ReadonlyMap<string, TorchTensor>;
  /** Releases the file descriptor; reading a tensor afterwards is an error. */
  close(): void;
}

/**
 * Opens a `torch.save` file without running any code from it: the zip archive (`<name>/data.pkl`
 * plus one member per storage) or the legacy stream of pickles, told apart by the first bytes.
 * Only the pickle is read now; tensor bytes are read when a tensor's `read…` method is called.
 */
export function openTorchFile(path: string): TorchFile {
  const source = new FileByteSource(path);
  try {
    const head = source.read(0, Math.min(4, source.size));
    if (head.length === 0) throw new TorchFileError(path, "is empty: it is not a PyTorch file");
    const isZip = head[0] === 0x50 && head[1] === 0x4b;
    const root = isZip ? readZipTorchFile(source) : head[0] === 0x80 ? readLegacyTorchFile(source) : refuse(source);
    return { path, format: isZip ? "zip" : "legacy", root, tensors: tensorsByPath(root), close: () => source.close() };
  } catch (error) {
    source.close();
    throw error;
  }
}

function refuse(source: FileByteSource): never {
  const head = source.read(0, Math.min(source.size, 262));
  const isTar = head.length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === "ustar";
  const detail = isTar
    ? "is a tar archive, PyTorch's pre-0.4 format: load it with torch and save it again with a current torch.save"
    : `starts with bytes ${[...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, "0")).join(" ")}, neither a torch.save zip archive (50 4b) nor a pickle (80): it is not a PyTorch file`;
  throw new TorchFileError(source.path, detail);
}

/** The zip layout: `<prefix>/data.pkl` whose persistent ids name members `<prefix>/data/<key>`. */
function readZipTorchFile(source: FileByteSource): unknown {
  const entries = readZipDirectory(source);
  const pickles = [...entries.keys()].filter((name) => name === "data.pkl" || name.endsWith("/data.pkl"));
  pickles.sort((a, b) => a.split("/").length - b.split("/").length);
  const pickleName = pickles[0];
  if (pickleName === undefined) throw new TorchFileError(source.path, "is a zip archive without a data.pkl member: it was not written by torch.save");
  const prefix = pickleName.slice(0, -"data.pkl".length);
  const byteOrder = entries.get(`${prefix}byteorder`);
  if (byteOrder !== undefined) {
    const order = new TextDecoder().decode(source.read(byteOrder.dataOffset, Math.min(byteOrder.compressedSize, 16), byteOrder.name)).trim();
    if (order !== "little") throw new TorchFileError(source.path, `stores tensors ${order}-endian; only little-endian files are read`, byteOrder.name);
  }
  const pickleEntry = entries.get(pickleName);
  if (pickleEntry === undefined) throw new TorchFileError(source.path, "lost its data.pkl member");
  const pickle = memberSource(source, pickleEntry);
  const storages = new Map<string, TorchStorage>();
  const { value } = unpickle({
    source: pickle as ByteSource,
    start: 0,
    end: pickle.size,
    label: pickleName,
    persistentLoad: (pid, fail) => {
      const id = parseStorageId(pid, fail);
      const dtype = id.storageType.dtype;
      const cacheKey = `${id.key}:${dtype}`;
      const known = storages.get(cacheKey);
      if (known !== undefined) return known;
      const member =
        entries.get(`${prefix}data/${id.key}`) ??
        fail(`storage ${id.key} has no member ${prefix}data/${id.key} in the archive: the file is incomplete`);
      if (member.method !== 0) fail(`storage member ${member.name} is compressed (method ${member.method}); torch.save stores them uncompressed — save the file again with torch.save`);
      const bytes = id.numel * DTYPE_SIZES[dtype];
      if (member.size < bytes) fail(`storage ${id.key} should hold ${id.numel} ${dtype} values (${bytes} bytes) but its member has ${member.size} bytes`);
      const storage = new TorchStorage(source, id.key, dtype, id.numel, member.dataOffset);
      storages.set(cacheKey, storage);
      return storage;
    },
  });
  return value;
}
