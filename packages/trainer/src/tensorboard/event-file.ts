import { appendFile, mkdir, open } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";

import type { MetricsRecord } from "../metrics-log.js";
import { fileVersionEvent, scalarsEvent } from "./event-proto.js";
import { tfRecord } from "./tfrecord.js";

/** One scalar of a summary. */
export interface Scalar {
  tag: string;
  value: number;
}

export interface EventFileOptions {
  /** Seconds since the epoch (default: now); names the file and stamps its first record. */
  wallTime?: number;
  /** The host name in the file name (default: os.hostname()). */
  host?: string;
}

/**
 * A TensorBoard event file (`events.out.tfevents.<seconds>.<host>`), the format `tensorboard
 * --logdir` reads: TFRecords of `Event` protos, the first one `file_version: "brain.Event:2"`.
 * Scalars are buffered and appended by `flush()` in one write of whole records, so a run killed
 * mid-write leaves at most a truncated last record, which TensorBoard's reader treats as not yet
 * written (it stops there and reads on when the file grows). A resumed run opens a new file;
 * TensorBoard merges the files of a folder by step.
 */
export class TensorBoardEventFile {
  private pending: Uint8Array[] = [];

  private constructor(readonly path: string) {}

  /** Creates the file in `directory` (made if missing) and writes its file-version record. */
  static async create(directory: string, options: EventFileOptions = {}): Promise<TensorBoardEventFile> {
    await mkdir(directory, { recursive: true });
    const wallTime = options.wallTime ?? Date.now() / 1000;
    const base = `events.out.tfevents.${String(Math.floor(wallTime)).padStart(10, "0")}.${(options.host ?? hostname()).replace(/[^\w.-]/g, "_")}`;
    // Two runs started in the same second on one host get different names (pid suffix), never one shared file.
    for (const name of [base, `${base}.${process.pid}`]) {
      const path = join(directory, name);
      try {
        const handle = await open(path, "wx");
        try {
          await handle.write(tfRecord(fileVersionEvent(wallTime)));
        } finally {
          await handle.close();
        }
        return new TensorBoardEventFile(path);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    throw new Error(`${join(directory, base)}: an event file of this name exists already`);
  }

  /** Buffers one `Event` of scalars at `step`. */
  add(step: number, scalars: readonly Scalar[], wallTime = Date.now() / 1000): void {
    if (scalars.length) this.pending.push(tfRecord(scalarsEvent(wallTime, step, scalars)));
  }

  /** Appends the buffered records in one write. */
  async flush(): Promise<void> {
    if (!this.pending.length) return;
    const records = Buffer.concat(this.pending);
    this.pending = [];
    await appendFile(this.path, records);
  }
}

/** Fields of a metrics record that locate it rather than measure something. */
const POSITION_FIELDS = new Set(["type", "step", "epoch", "batch"]);

/**
 * The TensorBoard scalars of a metrics record: a `train` record's numbers as `train/<name>`
 * (loss, lr, grad_norm, samples_per_second, acc_0…) and `epoch`, a `validation` record's as
 * `val/<name>` (`val_loss` as `val/loss`); skipped steps have none.
 */
export function scalarsOfRecord(record: MetricsRecord): Scalar[] {
  if (record.type === "skipped") return [];
  const prefix = record.type === "train" ? "train" : "val";
  const scalars: Scalar[] = record.type === "train" ? [{ tag: "epoch", value: record.epoch }] : [];
  for (const [key, value] of Object.entries(record)) {
    if (POSITION_FIELDS.has(key) || typeof value !== "number") continue;
    scalars.push({ tag: `${prefix}/${key === "val_loss" ? "loss" : key}`, value });
  }
  return scalars;
}
