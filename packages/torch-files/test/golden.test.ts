// Golden tests: files written by PyTorch 1.13's own torch.save (scripts/make-fixtures.py) read back
// to the values torch recorded, in both the zip and the legacy format.
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import type { TorchTensor} from "../src/index.js";
import { PickleObject, TorchFileError, openTorchFile } from "../src/index.js";
import { comparable, expected, fixtures } from "./helpers.js";

describe.each([
  ["zip", "state-zip.pt"],
  ["legacy", "state-legacy.pt"],
])("a %s torch.save state dict", (format, name) => {
  const open = () => openTorchFile(join(fixtures, name));

  it("is detected as its format and lists every tensor by dotted path", () => {
    const file = open();
    expect(file.format).toBe(format);
    expect([...file.tensors.keys()]).toEqual(["f32", "f16", "bf16", "f64", "i64", "i32", "transposed", "shared_a", "shared_b", "param", "scalar", "empty", "nested.inner.deep.w"]);
    file.close();
  });

  it("reads every value as torch recorded it: dtypes, shapes, halves widened, int64 exact, nested plain values", () => {
    const file = open();
    expect(comparable(file.root)).toEqual(expected.state);
    file.close();
  });

  it("keeps two views of one storage on the same storage object, at their offsets", () => {
    const file = open();
    const a = file.tensors.get("shared_a") as TorchTensor;
    const b = file.tensors.get("shared_b") as TorchTensor;
    expect(a.storage).toBe(b.storage);
    expect([a.storageOffset, b.storageOffset]).toEqual([4, 10]);
    expect(Array.from(b.readFloat32())).toEqual([5, 5.5, 6, 6.5, 7, 7.5]);
    file.close();
  });

  it("applies strides to a transposed tensor", () => {
    const file = open();
    const t = file.tensors.get("transposed") as TorchTensor;
    expect(t.isContiguous).toBe(false);
    expect([...t.stride]).toEqual([1, 5]);
    file.close();
  });

  it("refuses int64 values outside int32 in readInt32, naming the key", () => {
    const file = open();
    const t = file.tensors.get("i64") as TorchTensor;
    expect(() => t.readInt32()).toThrow(/i64: holds 1099511627776 at element 2, outside the int32 range/);
    expect(Array.from((file.tensors.get("i32") as TorchTensor).readInt32())).toEqual([1, -2, 3, 2147483647]);
    file.close();
  });

  it("refuses reads after close", () => {
    const file = open();
    file.close();
    expect(() => (file.tensors.get("f32") as TorchTensor).readFloat32()).toThrow(TorchFileError);
  });
});

describe("a pickled instance of a custom class", () => {
  it("comes back as an inert placeholder with its name and state; the tensors beside it still read", () => {
    const file = openTorchFile(join(fixtures, "custom-class.pt"));
    const root = file.root as Map<string, unknown>;
    const thing = root.get("thing");
    expect(thing).toBeInstanceOf(PickleObject);
    expect((thing as PickleObject).qualifiedName).toBe("__main__.CustomThing");
    expect((thing as PickleObject).state).toEqual(new Map<string, unknown>([["size", 3], ["label", "custom"]]));
    expect(comparable(root.get("weight"))).toEqual(expected.custom.weight);
    file.close();
  });
});
