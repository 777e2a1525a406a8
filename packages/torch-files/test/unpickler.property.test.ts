// Property tests (seeded: a failure prints its seed and shrunk counterexample): random bytes and
// random mutations of real torch.save files fail only as TorchFileError and finish quickly, and
// random nested plain values round-trip through a test pickler and the restricted unpickler.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { MemoryByteSource, TorchFilesError, TorchTensor, openTorchFile, unpickle } from "../src/index.js";
import { fixtures, scratchDir } from "./helpers.js";
import { type Plain, pickleValue } from "./test-pickler.js";

const runs = { seed: 12, numRuns: 300 };

/** Runs `read`; any throw but the package's own error fails the property, as does a slow run (a hang in the making). */
function onlyOwnErrors(read: () => void): void {
  const started = performance.now();
  try {
    read();
  } catch (error) {
    if (!TorchFilesError.isInstance(error)) throw error;
  }
  expect(performance.now() - started).toBeLessThan(2000);
}

function unpickleBytes(bytes: Uint8Array): unknown {
  return unpickle({ source: new MemoryByteSource("random.pkl", bytes), start: 0, end: bytes.length, label: "random.pkl" }).value;
}

/** Opens a file and reads every tensor, the whole path a consumer takes. */
function openAndReadAll(path: string): void {
  const file = openTorchFile(path);
  try {
    for (const tensor of file.tensors.values()) tensor.readFloat32();
  } finally {
    file.close();
  }
}

describe("the restricted unpickler on hostile bytes", () => {
  it("throws only TorchFileError on random bytes", () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => onlyOwnErrors(() => unpickleBytes(bytes))), runs);
  });

  it("throws only TorchFileError on random opcode soup (bytes drawn from the opcodes torch uses)", () => {
    const opcodes = [...")(.0128GJKMNQRXabdeghjlqrstu}]\x80\x81\x85\x86\x87\x88\x89\x8a\x8c\x8f\x90\x93\x94\x95"].map((c) => c.charCodeAt(0));
    const soup = fc.array(fc.oneof(fc.constantFrom(...opcodes), fc.integer({ min: 0, max: 255 })), { maxLength: 120 });
    fc.assert(fc.property(soup, (codes) => onlyOwnErrors(() => unpickleBytes(Uint8Array.from(codes)))), runs);
  });
});

describe("torch.save files with random damage", () => {
  const dir = scratchDir();
  const mutation = fc.record({
    edits: fc.array(fc.record({ at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
    cut: fc.option(fc.nat(), { nil: undefined }),
  });

  it.each(["state-zip.pt", "state-legacy.pt"])("%s: byte edits and truncation give a TorchFileError or a readable file", (name) => {
    const original = readFileSync(join(fixtures, name));
    const path = join(dir, `mutated-${name}`);
    fc.assert(
      fc.property(mutation, ({ edits, cut }) => {
        const bytes = Buffer.from(original);
        for (const { at, value } of edits) bytes[at % bytes.length] = value;
        writeFileSync(path, cut === undefined ? bytes : bytes.subarray(0, cut % bytes.length));
        onlyOwnErrors(() => openAndReadAll(path));
      }),
      { seed: 7, numRuns: 150 },
    );
  });
});

/** Where tuples (frozen arrays) and lists sit, which toEqual does not compare. */
function tupleShape(value: unknown): unknown {
  if (Array.isArray(value)) return { tuple: Object.isFrozen(value), items: value.map(tupleShape) };
  if (value instanceof Map) return [...value.values()].map(tupleShape);
  return 0;
}

describe("plain values round-trip", () => {
  const key: fc.Arbitrary<Plain> = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: -1000, max: 1000 }));
  const leaf: fc.Arbitrary<Plain> = fc.oneof(
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.bigInt({ min: -(2n ** 100n), max: 2n ** 100n }).map((n) => (n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n)),
    fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)),
    fc.string({ maxLength: 300, unit: "grapheme" }),
    fc.uint8Array({ maxLength: 12 }),
  );
  const { value } = fc.letrec<{ value: Plain }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.array(tie("value"), { maxLength: 3 }).map((items) => Object.freeze(items) as readonly Plain[]),
      fc.uniqueArray(fc.tuple(key, tie("value")), { maxLength: 4, selector: ([k]) => k }).map((pairs) => new Map<Plain, Plain>(pairs)),
    ),
  }));

  it("pickled by a CPython-style pickler (with and without memo entries), unpickled to the same value", () => {
    fc.assert(
      fc.property(value, fc.boolean(), (input, memoize) => {
        const output = unpickleBytes(pickleValue(input, { memoize }));
        expect(output).toEqual(input);
        expect(tupleShape(output)).toEqual(tupleShape(input));
        expect(output instanceof TorchTensor).toBe(false);
      }),
      runs,
    );
  });
});
