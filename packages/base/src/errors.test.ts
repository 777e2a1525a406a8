import { describe, expect, it, vi } from "vitest";

import { AutosingError, errorLineage } from "./errors.js";

class ParquetLikeError extends AutosingError {
  static override readonly scope: string = "parquet-like";
}
class ShapeError extends ParquetLikeError {
  constructor(readonly field: string) {
    super(`field ${field} has the wrong shape`);
  }
}
class FileError extends ParquetLikeError {}
class OtherPackageError extends AutosingError {
  static override readonly scope: string = "other";
}
/** Same class name as in ParquetLikeError's family, another package: must not narrow to it. */
class OtherFileError extends OtherPackageError {}
Object.defineProperty(OtherFileError, "name", { value: "FileError" });

describe("AutosingError", () => {
  it("names the error after its class and keeps message, cause and typed fields", () => {
    const cause = new Error("root");
    const error = new ShapeError("starts");
    expect(error.name).toBe("ShapeError");
    expect(error.message).toBe("field starts has the wrong shape");
    expect(error.field).toBe("starts");
    expect(new FileError("x", { cause }).cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
  });

  it("narrows per class: a subclass check is false for its siblings and for the base", () => {
    const shape = new ShapeError("starts");
    const file = new FileError("missing");
    expect(ParquetLikeError.isInstance(shape)).toBe(true);
    expect(ParquetLikeError.isInstance(file)).toBe(true);
    expect(ShapeError.isInstance(shape)).toBe(true);
    expect(ShapeError.isInstance(file)).toBe(false);
    expect(FileError.isInstance(shape)).toBe(false);
    expect(ShapeError.isInstance(new ParquetLikeError("base"))).toBe(false);
    expect(AutosingError.isInstance(shape)).toBe(true);
  });

  it("keeps packages apart even when class names collide", () => {
    const other = new OtherFileError("other");
    expect(FileError.isInstance(other)).toBe(false);
    expect(ParquetLikeError.isInstance(other)).toBe(false);
    expect(OtherPackageError.isInstance(other)).toBe(true);
    expect(errorLineage(other)).toEqual(["other:FileError", "other:OtherPackageError", "autosing:AutosingError"]);
  });

  it("is false for plain errors and non-objects, and the marker stays out of JSON", () => {
    expect(AutosingError.isInstance(new Error("plain"))).toBe(false);
    expect(AutosingError.isInstance(null)).toBe(false);
    expect(AutosingError.isInstance("ShapeError")).toBe(false);
    expect(errorLineage(new Error("plain"))).toBeUndefined();
    expect(Object.keys(new ShapeError("a"))).not.toContain("lineage");
    expect(JSON.stringify(new ShapeError("a"))).toBe(JSON.stringify({ name: "ShapeError", field: "a" }));
  });

  it("recognises errors thrown by a second copy of the module (Symbol.for marker)", async () => {
    vi.resetModules();
    const copy = await import("./errors.js");
    expect(copy.AutosingError).not.toBe(AutosingError);
    const fromCopy = new copy.AutosingError("from the other copy");
    expect(fromCopy instanceof AutosingError).toBe(false);
    expect(AutosingError.isInstance(fromCopy)).toBe(true);
    expect(copy.AutosingError.isInstance(new ShapeError("a"))).toBe(true);
  });
});
