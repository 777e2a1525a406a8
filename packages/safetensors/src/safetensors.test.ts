import { describe, expect, it } from "vitest";

import { SafetensorsError, SafetensorsFormatError } from "./errors.js";
import type { HostTensor } from "./safetensors.js";
import { decodeSafetensors, encodeSafetensors, readSafetensors, writeSafetensors } from "./safetensors.js";

/** A safetensors file assembled by hand from a header object and raw little-endian bytes. */
function handMade(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("safetensors", () => {
  it("round-trips float32 tensors and metadata, with the data 8-byte aligned", () => {
    const tensors = new Map([
      ["a.weight", { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }],
      ["b", { shape: [1], data: Float32Array.from([-0.5]) }],
    ]);
    const bytes = writeSafetensors(tensors, { config: "{\"x\":1}" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect(back.metadata).toEqual({ config: "{\"x\":1}" });
    expect([...back.tensors.keys()]).toEqual(["a.weight", "b"]);
    expect(back.tensors.get("a.weight")).toEqual({ shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) });
  });

  it("reads F16 and BF16 (as PyTorch half checkpoints store them) into float32", () => {
    // F16: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800; BF16: 1.0 = 0x3f80, -3.0 = 0xc040.
    const data = new Uint8Array([0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0x80, 0x3f, 0x40, 0xc0]);
    const bytes = handMade({ h: { dtype: "F16", shape: [3], data_offsets: [0, 6] }, b: { dtype: "BF16", shape: [2], data_offsets: [6, 10] } }, data);
    const { tensors } = readSafetensors(bytes);
    expect(Array.from(tensors.get("h")?.data ?? [])).toEqual([1, -2, 0.5]);
    expect(Array.from(tensors.get("b")?.data ?? [])).toEqual([1, -3]);
  });

  it("names the tensor and the problem for malformed files", () => {
    expect(() => readSafetensors(new Uint8Array(3), "x.safetensors")).toThrow(/x\.safetensors: file is 3 bytes/);
    const bad = handMade({ w: { dtype: "F32", shape: [4], data_offsets: [0, 8] } }, new Uint8Array(8));
    expect(() => readSafetensors(bad, "m.safetensors")).toThrow(/tensor w data_offsets \[0, 8\] do not fit shape \[4\] of F32/);
    const ints = handMade({ i: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8));
    const error = (() => {
      try {
        readSafetensors(ints);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(SafetensorsFormatError);
    expect(SafetensorsError.isInstance(error)).toBe(true);
  });

  it("round-trips float32 and int32 tensors (training state) with the exact header layout", () => {
    const tensors = new Map<string, HostTensor>([
      ["w", { dtype: "float32", shape: [2, 2], data: new Float32Array([1.5, -2, 3.25, 1e-8]) }],
      ["ids", { dtype: "int32", shape: [3], data: new Int32Array([-1, 0, 2147483647]) }],
    ]);
    const bytes = encodeSafetensors(tensors, { format: "pt" });
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerLength))) as Record<string, unknown>;
    expect(header).toEqual({
      __metadata__: { format: "pt" },
      w: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] },
      ids: { dtype: "I32", shape: [3], data_offsets: [16, 28] },
    });
    const decoded = decodeSafetensors(bytes);
    expect(decoded.metadata).toEqual({ format: "pt" });
    expect(decoded.tensors).toEqual(tensors);
  });

  it("decodes I64 into int32 and refuses values outside the int32 range, naming the tensor", () => {
    const ints = new Uint8Array(16);
    const view = new DataView(ints.buffer);
    view.setBigInt64(0, 7n, true);
    view.setBigInt64(8, -3n, true);
    const { tensors } = decodeSafetensors(handMade({ l: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, ints));
    expect(tensors.get("l")).toEqual({ dtype: "int32", shape: [2], data: new Int32Array([7, -3]) });
    view.setBigInt64(8, 1n << 40n, true);
    expect(() => decodeSafetensors(handMade({ l: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, ints), "big.safetensors")).toThrow(
      /big\.safetensors: tensor l: holds 1099511627776, outside the int32 range/,
    );
    expect(() => decodeSafetensors(handMade({ c: { dtype: "C64", shape: [1], data_offsets: [0, 8] } }, new Uint8Array(8)))).toThrow(/unsupported dtype C64/);
  });
});
