// Property tests: arbitrary bytes never escape as anything but a SafetensorsError, and what
// encodeSafetensors writes decodes back to the same tensors and metadata. Seeded, so a failure
// reproduces; fast-check prints the seed and the shrunk counterexample.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { SafetensorsError, type HostTensor, decodeSafetensors, encodeSafetensors } from "./index.js";

const runs = { seed: 42, numRuns: 200 };

/** Calls `decode`; returns normally, or rethrows what is not the package's own error. */
function onlyOwnErrors(decode: () => unknown): void {
  try {
    decode();
  } catch (error) {
    if (!SafetensorsError.isInstance(error)) throw error;
  }
}

/** An 8-byte little-endian header length followed by `header` and `tail`. */
function withHeader(header: string, tail: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + tail.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(tail, 8 + json.length);
  return bytes;
}

const tensor: fc.Arbitrary<HostTensor> = fc
  .tuple(fc.constantFrom("float32" as const, "int32" as const), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    const data =
      dtype === "float32"
        ? fc.float32Array({ minLength: count, maxLength: count, noNaN: true }).map((d) => d as Float32Array)
        : fc.array(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), { minLength: count, maxLength: count }).map((d) => Int32Array.from(d));
    return data.map((d): HostTensor => ({ dtype, shape, data: d }));
  });

describe("decodeSafetensors on hostile bytes", () => {
  it("throws only SafetensorsError on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 256 }), (bytes) => onlyOwnErrors(() => decodeSafetensors(bytes, "random.safetensors"))), runs);
  });

  it("throws only SafetensorsError on any JSON header (null, arrays, numbers, odd entries)", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.uint8Array({ maxLength: 64 }), (header, tail) =>
        onlyOwnErrors(() => decodeSafetensors(withHeader(JSON.stringify(header), tail), "json.safetensors")),
      ),
      runs,
    );
  });

  it("throws only SafetensorsError on tensor entries with wild dtypes, shapes and offsets", () => {
    const entry = fc.record({
      dtype: fc.constantFrom("F32", "F16", "BF16", "I32", "I64", "U8", "BOOL", "Q4"),
      shape: fc.array(fc.oneof(fc.integer({ min: -3, max: 5 }), fc.double(), fc.string({ maxLength: 2 })), { maxLength: 3 }),
      data_offsets: fc.array(fc.oneof(fc.integer({ min: -8, max: 80 }), fc.double()), { minLength: 0, maxLength: 3 }),
    });
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), entry, { maxKeys: 3 }), fc.uint8Array({ maxLength: 80 }), (header, tail) =>
        onlyOwnErrors(() => decodeSafetensors(withHeader(JSON.stringify(header), tail), "entries.safetensors")),
      ),
      runs,
    );
  });
});

describe("encodeSafetensors → decodeSafetensors", () => {
  it("round trips tensors and metadata", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== "__metadata__"), tensor, { maxKeys: 4 }),
        fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 8 }), { maxKeys: 3 }),
        (record, metadata) => {
          const tensors = new Map(Object.entries(record));
          const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
          expect(decoded.metadata).toEqual(metadata);
          expect([...decoded.tensors.keys()].sort()).toEqual([...tensors.keys()].sort());
          for (const [name, t] of tensors) {
            const back = decoded.tensors.get(name)!;
            expect(back.dtype).toBe(t.dtype);
            expect(back.shape).toEqual(t.shape);
            expect(Array.from(back.data)).toEqual(Array.from(t.data));
          }
        },
      ),
      runs,
    );
  });
});
