import { closeSync, ftruncateSync, fstatSync, openSync, readSync, writeSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";

import { ParquetIoError } from "./errors.js";
import { shuffleInPlace } from "@autosing/base";
import type { MainRow } from "./step-tables.js";

/** Scratch buckets: length-prefixed v8-serialised rows appended to one file per bucket. */
export class ScatterBuckets {
  private readonly fds: number[];
  private readonly buffers: Buffer[][];
  private readonly counts: number[];
  private buffered = 0;

  constructor(
    readonly dir: string,
    readonly size: number,
    private readonly budget: number,
  ) {
    this.fds = Array.from({ length: size }, (_, k) => openSync(join(dir, `bucket-${k}.bin`), "w+"));
    this.buffers = Array.from({ length: size }, () => []);
    this.counts = new Array<number>(size).fill(0);
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  add(bucket: number, row: MainRow): void {
    const body = serialize(row);
    const header = Buffer.alloc(4);
    header.writeUInt32LE(body.length);
    (this.buffers[bucket] as Buffer[]).push(header, body);
    this.counts[bucket] = (this.counts[bucket] ?? 0) + 1;
    this.buffered += body.length + 4;
    if (this.buffered >= this.budget) this.flush();
  }

  flush(): void {
    this.buffers.forEach((chunks, k) => {
      if (chunks.length === 0) return;
      const data = Buffer.concat(chunks);
      let done = 0;
      while (done < data.length) done += writeSync(this.fds[k] as number, data, done, data.length - done, null);
      chunks.length = 0;
    });
    this.buffered = 0;
  }

  /** Where each bucket stands, to roll a failed input partition back. */
  mark(): { sizes: number[]; counts: number[] } {
    this.flush();
    return { sizes: this.fds.map((fd) => fstatSync(fd).size), counts: [...this.counts] };
  }

  rollback(mark: { sizes: number[]; counts: number[] }): void {
    this.buffers.forEach((chunks) => (chunks.length = 0));
    this.buffered = 0;
    this.fds.forEach((fd, k) => ftruncateSync(fd, mark.sizes[k] ?? 0));
    mark.counts.forEach((count, k) => (this.counts[k] = count));
  }

  /** Rows of bucket `k` in a seeded random order, read back one at a time by offset. */
  *shuffled(k: number, random: () => number): Generator<MainRow> {
    this.flush();
    const fd = this.fds[k] as number;
    const size = fstatSync(fd).size;
    const offsets = new Float64Array(this.counts[k] ?? 0);
    const header = Buffer.alloc(4);
    let position = 0;
    for (let i = 0; i < offsets.length; i += 1) {
      offsets[i] = position;
      readSync(fd, header, 0, 4, position);
      position += 4 + header.readUInt32LE(0);
    }
    if (position !== size) throw new ParquetIoError(`scratch bucket ${k} is inconsistent (${position} of ${size} bytes indexed)`);
    shuffleInPlace(offsets, random);
    for (const offset of offsets) {
      readSync(fd, header, 0, 4, offset);
      const body = Buffer.alloc(header.readUInt32LE(0));
      readSync(fd, body, 0, body.length, offset + 4);
      yield deserialize(body) as MainRow;
    }
  }

  close(): void {
    for (const fd of this.fds) closeSync(fd);
  }
}
