import { inflateRawSync } from "node:zlib";

import type { FileByteSource } from "./byte-source.js";
import { MemoryByteSource } from "./byte-source.js";
import { TorchFileError } from "./errors.js";

/** One member of a zip archive: where its bytes start in the file and how many there are. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. torch.save writes stored entries, 64-byte aligned. */
  readonly method: number;
  readonly dataOffset: number;
  readonly compressedSize: number;
  readonly size: number;
}

const eocdSignature = 0x06054b50;
const zip64LocatorSignature = 0x07064b50;
const zip64EocdSignature = 0x06064b50;
const centralSignature = 0x02014b50;
const localSignature = 0x04034b50;
const maxComment = 0xffff;

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function safeU64(data: DataView, offset: number, fail: (detail: string) => never): number {
  const value = data.getBigUint64(offset, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) fail(`a zip64 field holds ${value}, beyond any real file: the archive is corrupt`);
  return Number(value);
}

/**
 * Reads a zip archive's central directory from the end of the file (zip64 too, which torch writes
 * past 4 GB) and each member's local header, without reading any member's data. The central
 * directory is the only list of members: a truncated archive has none and is refused here.
 */
export function readZipDirectory(source: FileByteSource): Map<string, ZipEntry> {
  const fail = (detail: string): never => {
    throw new TorchFileError(source.path, detail, "zip directory");
  };
  const tailLength = Math.min(source.size, 22 + maxComment);
  const tail = source.read(source.size - tailLength, tailLength);
  const tailView = view(tail);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tailView.getUint32(i, true) === eocdSignature) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) fail("has no end-of-central-directory record: the archive is truncated or not a zip file; save it again with torch.save");
  let entryCount = tailView.getUint16(eocd + 10, true);
  let directorySize = tailView.getUint32(eocd + 12, true);
  let directoryOffset = tailView.getUint32(eocd + 16, true);
  const eocdOffset = source.size - tailLength + eocd;
  if (entryCount === 0xffff || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    if (eocdOffset < 20) fail("announces zip64 but has no zip64 locator");
    const locator = view(source.read(eocdOffset - 20, 20));
    if (locator.getUint32(0, true) !== zip64LocatorSignature) fail("announces zip64 but has no zip64 locator");
    const record = view(source.read(safeU64(locator, 8, fail), 56, "zip64 directory"));
    if (record.getUint32(0, true) !== zip64EocdSignature) fail("has a zip64 locator that points at no zip64 directory record");
    entryCount = safeU64(record, 32, fail);
    directorySize = safeU64(record, 40, fail);
    directoryOffset = safeU64(record, 48, fail);
  }
  if (directoryOffset + directorySize > source.size) fail(`says its directory spans bytes ${directoryOffset}..${directoryOffset + directorySize} of a ${source.size}-byte file: it is truncated`);
  const directory = source.read(directoryOffset, directorySize, "zip directory");
  const data = view(directory);
  const entries = new Map<string, ZipEntry>();
  let position = 0;
  for (let index = 0; index < entryCount; index++) {
    if (position + 46 > directory.length || data.getUint32(position, true) !== centralSignature) fail(`directory entry ${index} is malformed`);
    const method = data.getUint16(position + 10, true);
    let compressedSize = data.getUint32(position + 20, true);
    let size = data.getUint32(position + 24, true);
    const nameLength = data.getUint16(position + 28, true);
    const extraLength = data.getUint16(position + 30, true);
    const commentLength = data.getUint16(position + 32, true);
    let localOffset = data.getUint32(position + 42, true);
    const end = position + 46 + nameLength + extraLength + commentLength;
    if (end > directory.length) fail(`directory entry ${index} runs past the directory`);
    const name = new TextDecoder().decode(directory.subarray(position + 46, position + 46 + nameLength));
    // Zip64 extended information: the fields whose 32-bit slot is all ones, in this order.
    let extra = position + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = data.getUint16(extra, true);
      const length = data.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const next = (): number => {
          if (field + 8 > extra + 4 + length) fail(`${name}: its zip64 field is too short`);
          const value = safeU64(data, field, fail);
          field += 8;
          return value;
        };
        if (size === 0xffffffff) size = next();
        if (compressedSize === 0xffffffff) compressedSize = next();
        if (localOffset === 0xffffffff) localOffset = next();
      }
      extra += 4 + length;
    }
    if (localOffset + 30 > source.size) fail(`${name}: its local header lies past the end of the file: the archive is truncated`);
    const local = view(source.read(localOffset, 30, name));
    if (local.getUint32(0, true) !== localSignature) fail(`${name}: no local header at byte ${localOffset}: the archive is corrupt`);
    const dataOffset = localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
    if (dataOffset + compressedSize > source.size) fail(`${name}: its ${compressedSize} bytes at ${dataOffset} run past the end of the ${source.size}-byte file: the archive is truncated`);
    entries.set(name, { name, method, dataOffset, compressedSize, size });
    position = end;
  }
  return entries;
}

/**
 * The bytes of a small member (`data.pkl`, `version`) as a byte source. A deflated member (an
 * archive re-zipped by a tool) is inflated; torch itself stores them.
 */
export function memberSource(source: FileByteSource, entry: ZipEntry): MemoryByteSource {
  const raw = source.read(entry.dataOffset, entry.compressedSize, entry.name);
  if (entry.method === 0) return new MemoryByteSource(source.path, raw);
  if (entry.method !== 8) throw new TorchFileError(source.path, `uses zip compression method ${entry.method}; torch.save stores members uncompressed — save it again with torch.save`, entry.name);
  try {
    return new MemoryByteSource(source.path, new Uint8Array(inflateRawSync(raw, { maxOutputLength: Math.max(entry.size, 1) })));
  } catch (error) {
    throw new TorchFileError(source.path, `cannot be inflated (${(error as Error).message})`, entry.name);
  }
}
