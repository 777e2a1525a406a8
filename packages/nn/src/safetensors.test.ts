import { describe, expect, it } from "vitest";

import { NnError, SafetensorsFormatError } from "./errors.js";
import { decodeSafetensors, readSafetensors } from "./safetensors.js";

// The codec itself is tested in @autosing/safetensors; these check what nn adds on top: its
// failures are nn's SafetensorsFormatError (an NnError), with the codec's messages.

/** A safetensors file assembled by hand from a header object and raw little-endian bytes. */
function handMade(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

describe("safetensors through @autosing/nn", () => {
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
    expect(NnError.isInstance(error)).toBe(true);
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
