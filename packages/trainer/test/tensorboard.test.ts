/**
 * Our TensorBoard event files read back by an independent reader: protobufjs decodes each record
 * with TensorBoard's own field numbers (fixtures/tensorboard/event-subset.proto), and every
 * record's framing is checked with a bit-by-bit CRC-32C written here (the writer's is
 * table-driven), itself pinned to the standard check value of "123456789".
 */
import { mkdtemp, readFile, readdir, rm, truncate } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import protobuf from "protobufjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { type MetricsRecord, TensorBoardEventFile, scalarsOfRecord, selectBackend, train } from "../src/index.js";
import { TinyLm, tinyDatasets } from "./fixtures/tiny-lm.js";

const here = dirname(fileURLToPath(import.meta.url));

/** CRC-32C bit by bit (no table), masked as TFRecord does. */
function bitwiseCrc32c(bytes: Uint8Array): number {
  let crc = ~0 >>> 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  return ~crc >>> 0;
}
function mask(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

interface DecodedEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: { value: { tag: string; simpleValue: number }[] };
}

/** Splits a TFRecord file, checking both CRCs of every record; a truncated tail is reported, not decoded. */
function records(file: Uint8Array): { payloads: Uint8Array[]; truncatedTail: boolean } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const payloads: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) return { payloads, truncatedTail: true };
    const length = Number(view.getBigUint64(at, true));
    expect(view.getUint32(at + 8, true)).toBe(mask(bitwiseCrc32c(file.subarray(at, at + 8))));
    if (at + 12 + length + 4 > file.length) return { payloads, truncatedTail: true };
    const payload = file.subarray(at + 12, at + 12 + length);
    expect(view.getUint32(at + 12 + length, true)).toBe(mask(bitwiseCrc32c(payload)));
    payloads.push(payload);
    at += 12 + length + 4;
  }
  return { payloads, truncatedTail: false };
}

let root: string;
let Event: protobuf.Type;
beforeAll(async () => {
  await selectBackend({ only: ["cpu"] });
  root = await mkdtemp(join(tmpdir(), "autosing-tensorboard-"));
  Event = (await protobuf.load(join(here, "fixtures", "tensorboard", "event-subset.proto"))).lookupType("tensorboard.Event");
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function decode(payload: Uint8Array): DecodedEvent {
  // proto3 leaves zero-valued scalars off the wire; toObject leaves them out, so fill them in.
  return { wallTime: 0, step: 0, ...(Event.toObject(Event.decode(payload), { longs: Number }) as Partial<DecodedEvent>) };
}

describe("the CRC-32C of the tests", () => {
  it("gives the standard check value", () => {
    expect(bitwiseCrc32c(new TextEncoder().encode("123456789"))).toBe(0xe3069283);
  });
});

describe("TensorBoard event files", () => {
  it("frame Event protos as TFRecords, the first one the file version", async () => {
    const directory = join(root, "direct");
    const events = await TensorBoardEventFile.create(directory, { wallTime: 1700000000.25, host: "box" });
    expect(events.path).toBe(join(directory, "events.out.tfevents.1700000000.box"));
    events.add(7, [{ tag: "train/loss", value: 2.5 }, { tag: "train/lr", value: 1e-4 }], 1700000001.5);
    events.add(-3, [{ tag: "odd", value: -0.125 }], 1700000002);
    await events.flush();
    const { payloads, truncatedTail } = records(await readFile(events.path));
    expect(truncatedTail).toBe(false);
    const decoded = payloads.map(decode);
    expect(decoded[0]).toEqual({ wallTime: 1700000000.25, step: 0, fileVersion: "brain.Event:2" });
    expect(decoded[1]?.step).toBe(7);
    expect(decoded[1]?.wallTime).toBe(1700000001.5);
    expect(decoded[1]?.summary?.value.map((v) => v.tag)).toEqual(["train/loss", "train/lr"]);
    expect(decoded[1]?.summary?.value[0]?.simpleValue).toBe(2.5);
    expect(decoded[1]?.summary?.value[1]?.simpleValue).toBeCloseTo(1e-4, 10);
    // int64 steps are varints: a negative one takes ten bytes and decodes back.
    expect(decoded[2]).toMatchObject({ step: -3, summary: { value: [{ tag: "odd", simpleValue: -0.125 }] } });
    // A second file in the same second gets its own name.
    const again = await TensorBoardEventFile.create(directory, { wallTime: 1700000000.9, host: "box" });
    expect(again.path).toBe(join(directory, `events.out.tfevents.1700000000.box.${process.pid}`));
  });

  it("leave the complete records readable when the last write was cut short", async () => {
    const events = await TensorBoardEventFile.create(join(root, "cut"), { wallTime: 1, host: "h" });
    for (let step = 1; step <= 3; step++) events.add(step, [{ tag: "train/loss", value: step }]);
    await events.flush();
    const size = (await readFile(events.path)).length;
    await truncate(events.path, size - 5);
    const { payloads, truncatedTail } = records(await readFile(events.path));
    expect(truncatedTail).toBe(true);
    expect(payloads.map(decode).map((e) => e.step)).toEqual([0, 1, 2]);
  });

  it("map metrics records to train/ and val/ scalars", () => {
    const train: MetricsRecord = { type: "train", step: 4, epoch: 1, batch: 8, loss: 3, lr: 0.1, samples_per_second: 9, acc_0: 0.5 };
    expect(scalarsOfRecord(train)).toEqual([
      { tag: "epoch", value: 1 },
      { tag: "train/loss", value: 3 },
      { tag: "train/lr", value: 0.1 },
      { tag: "train/samples_per_second", value: 9 },
      { tag: "train/acc_0", value: 0.5 },
    ]);
    expect(scalarsOfRecord({ type: "validation", step: 4, epoch: 1, val_loss: 2, acc_1: 0.25 })).toEqual([
      { tag: "val/loss", value: 2 },
      { tag: "val/acc_1", value: 0.25 },
    ]);
    expect(scalarsOfRecord({ type: "skipped", step: 4, epoch: 1, reason: "loss" })).toEqual([]);
  });

  it("are written by a training run beside its JSONL metrics, one event per record", async () => {
    const directory = join(root, "run");
    const { train: trainSet, validation } = tinyDatasets({ trainCount: 16 });
    const result = await train({
      model: new TinyLm(),
      train: trainSet,
      validation,
      hyperparameters: { lr0: 1e-2, weightDecay: 0, warmupSteps: 1, lrSchedule: "const", epochs: 2, accumulateGradBatches: 1, seed: 0 },
      metricsPath: join(directory, "metrics.jsonl"),
      tensorboardDir: directory,
    });
    const files = (await readdir(directory)).filter((f) => f.startsWith("events.out.tfevents."));
    expect(files).toHaveLength(1);
    const decoded = records(await readFile(join(directory, files[0] as string))).payloads.map(decode);
    const lines = (await readFile(join(directory, "metrics.jsonl"), "utf8")).trim().split("\n").map((l) => JSON.parse(l) as MetricsRecord);
    expect(decoded).toHaveLength(1 + lines.length);
    const trainEvents = decoded.filter((e) => e.summary?.value.some((v) => v.tag === "train/loss"));
    expect(trainEvents.map((e) => e.step)).toEqual(lines.filter((l) => l.type === "train").map((l) => l.step));
    expect(trainEvents.map((e) => e.summary?.value.find((v) => v.tag === "train/loss")?.simpleValue)).toEqual(
      result.losses.map((loss) => Math.fround(loss)),
    );
    const tags = new Set(trainEvents.flatMap((e) => e.summary?.value.map((v) => v.tag) ?? []));
    for (const tag of ["train/loss", "train/lr", "train/grad_norm", "train/samples_per_second", "epoch"]) expect(tags).toContain(tag);
    const validations = decoded.filter((e) => e.summary?.value.some((v) => v.tag === "val/loss"));
    expect(validations.map((e) => e.summary?.value.find((v) => v.tag === "val/loss")?.simpleValue)).toEqual(
      result.validations.map((v) => Math.fround(v.loss)),
    );
  });
});
