import { closeSync, fstatSync, openSync, readSync } from "node:fs";

import { TorchFileError } from "./errors.js";

/**
 * Random access to the bytes of one file through a file descriptor: a 1 GB checkpoint is read
 * tensor by tensor, never held whole in memory.
 */
export class FileByteSource {
  readonly size: number;
  private fd: number | undefined;

  constructor(readonly path: string) {
    try {
      this.fd = openSync(path, "r");
      this.size = fstatSync(this.fd).size;
    } catch (error) {
      if (this.fd !== undefined) closeSync(this.fd);
      throw new TorchFileError(path, `cannot be opened (${(error as Error).message}); check the path and its permissions`);
    }
  }

  /** Fills `target` with the bytes at `offset`; the range must lie inside the file. */
  readInto(offset: number, target: Uint8Array, where?: string): Uint8Array {
    if (this.fd === undefined) throw new TorchFileError(this.path, "was read after close()", where);
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + target.length > this.size) {
      throw new TorchFileError(this.path, `needs bytes ${offset}..${offset + target.length} but the file has ${this.size}: it is truncated`, where);
    }
    let done = 0;
    while (done < target.length) {
      const count = readSync(this.fd, target, done, target.length - done, offset + done);
      if (count === 0) throw new TorchFileError(this.path, `ended at byte ${offset + done} while reading: it is truncated`, where);
      done += count;
    }
    return target;
  }

  /** The `length` bytes at `offset` in a fresh buffer. */
  read(offset: number, length: number, where?: string): Uint8Array {
    return this.readInto(offset, new Uint8Array(length), where);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** Anything bytes can be read from by offset: a file, or a buffer in tests and inside a zip entry. */
export interface ByteSource {
  readonly path: string;
  readonly size: number;
  read(offset: number, length: number, where?: string): Uint8Array;
  readInto(offset: number, target: Uint8Array, where?: string): Uint8Array;
}

/** A byte source over bytes already in memory (a pickle in a test, an inflated `data.pkl`). */
export class MemoryByteSource implements ByteSource {
  readonly size: number;

  constructor(
    readonly path: string,
    private readonly bytes: Uint8Array,
  ) {
    this.size = bytes.length;
  }

  readInto(offset: number, target: Uint8Array, where?: string): Uint8Array {
    if (!Number.isSafeInteger(offset) || offset < 0 || offset + target.length > this.size) {
      throw new TorchFileError(this.path, `needs bytes ${offset}..${offset + target.length} but there are ${this.size}: it is truncated`, where);
    }
    target.set(this.bytes.subarray(offset, offset + target.length));
    return target;
  }

  read(offset: number, length: number, where?: string): Uint8Array {
    return this.readInto(offset, new Uint8Array(length), where);
  }
}
