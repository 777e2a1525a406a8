import type { ByteSource } from "./byte-source.js";
import { TorchFileError } from "./errors.js";

const chunkSize = 64 * 1024;

/**
 * A forward cursor over a pickle stream inside a byte source (a zip entry, or the legacy file from
 * its start), read in 64 KiB chunks. Every read checks the bytes exist first, so a hostile length
 * is an error naming the offset, never an allocation of that size.
 */
export class PickleInput {
  private chunk: Uint8Array = new Uint8Array(0);
  private chunkStart = 0;
  /** Absolute offset in the source of the next byte. */
  position: number;

  constructor(
    readonly source: ByteSource,
    start: number,
    /** One past the last byte the stream may use. */
    readonly end: number,
    /** How errors name the stream ("data.pkl", "the legacy pickle"). */
    readonly label: string,
  ) {
    this.position = start;
  }

  /** Offset of the next byte from the stream start (what `where` reports). */
  offsetIn(start: number): number {
    return this.position - start;
  }

  remaining(): number {
    return this.end - this.position;
  }

  private fail(detail: string): never {
    throw new TorchFileError(this.source.path, detail, `${this.label} byte ${this.position}`);
  }

  private require(count: number): void {
    if (count > this.end - this.position) this.fail(`needs ${count} more bytes but the stream ends after ${this.end - this.position}: the file is truncated or corrupt`);
  }

  /** `count` bytes as a view (valid until the next read) or a copy when they span chunks. */
  bytes(count: number): Uint8Array {
    this.require(count);
    const inChunk = this.position - this.chunkStart;
    if (inChunk >= 0 && inChunk + count <= this.chunk.length) {
      this.position += count;
      return this.chunk.subarray(inChunk, inChunk + count);
    }
    if (count <= chunkSize) {
      const length = Math.min(chunkSize, this.end - this.position);
      this.chunk = this.source.read(this.position, length, `${this.label} byte ${this.position}`);
      this.chunkStart = this.position;
      this.position += count;
      return this.chunk.subarray(0, count);
    }
    const out = this.source.read(this.position, count, `${this.label} byte ${this.position}`);
    this.position += count;
    return out;
  }

  byte(): number {
    return this.bytes(1)[0] as number;
  }

  private view(count: number): DataView {
    const bytes = this.bytes(count);
    return new DataView(bytes.buffer, bytes.byteOffset, count);
  }

  uint16(): number {
    return this.view(2).getUint16(0, true);
  }

  int32(): number {
    return this.view(4).getInt32(0, true);
  }

  uint32(): number {
    return this.view(4).getUint32(0, true);
  }

  /** An 8-byte little-endian length; refused when it could not be a length inside this stream. */
  uint64(): number {
    const value = this.view(8).getBigUint64(0, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) this.fail(`a length of ${value} bytes is impossible: the file is corrupt`);
    return Number(value);
  }

  /** BINFLOAT's big-endian IEEE double. */
  float64BigEndian(): number {
    return this.view(8).getFloat64(0, false);
  }

  /** The bytes up to the next newline (text opcodes of protocol 0), without it. */
  line(): string {
    const parts: number[] = [];
    for (;;) {
      if (this.position >= this.end) this.fail("a text opcode's line has no newline before the stream ends: the file is truncated");
      const next = this.byte();
      if (next === 0x0a) break;
      parts.push(next);
    }
    return decodeLatin1(parts);
  }
}

/** Char codes to a string, in slices so a long line does not overflow the argument list. */
function decodeLatin1(codes: number[]): string {
  let out = "";
  for (let i = 0; i < codes.length; i += 1 << 15) out += String.fromCharCode(...codes.slice(i, i + (1 << 15)));
  return out;
}
