import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { AutosingError } from "@autosing/base";
import { afterAll, describe, expect, it } from "vitest";

import { OnnxError, OnnxModelError, OnnxModelFileError } from "./errors.js";
import { openOnnxSession } from "./session.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-onnx-errors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error `openOnnxSession` rejects with. */
async function failure(model: string | Uint8Array): Promise<unknown> {
  return openOnnxSession(model, { threads: 1 }).then(
    () => expect.fail("the session opened"),
    (error: unknown) => error,
  );
}

describe("openOnnxSession on unusable models", () => {
  it("a missing file is an OnnxModelFileError with ENOENT, naming the path", async () => {
    const path = join(dir, "missing.onnx");
    const error = await failure(path);
    expect(OnnxModelFileError.isInstance(error)).toBe(true);
    expect(OnnxError.isInstance(error)).toBe(true);
    expect(AutosingError.isInstance(error)).toBe(true);
    expect((error as OnnxModelFileError).code).toBe("ENOENT");
    expect((error as Error).message).toBe(`${path}: no such file (ENOENT); give the path of an .onnx file`);
  });

  it("a directory is an OnnxModelFileError with EISDIR", async () => {
    const path = join(dir, "folder.onnx");
    mkdirSync(path);
    const error = await failure(path);
    expect((error as OnnxModelFileError).code).toBe("EISDIR");
    expect((error as Error).message).toMatch(/folder\.onnx: is a directory, not a model file \(EISDIR\)/);
  });

  it("a file onnxruntime cannot parse is an OnnxModelError with onnxruntime's first line, once naming the file", async () => {
    const path = join(dir, "text.onnx");
    writeFileSync(path, "not protobuf at all\n");
    const error = await failure(path);
    expect(OnnxModelError.isInstance(error)).toBe(true);
    expect(OnnxModelFileError.isInstance(error)).toBe(false);
    const message = (error as Error).message;
    expect(message).toMatch(new RegExp(`^${path.replaceAll(".", "\\.")}: not a loadable ONNX model \\(.+\\)$`));
    expect(message).not.toContain("\n");
    expect(message.split(path)).toHaveLength(2);
    expect((error as Error).cause).toBeInstanceOf(Error);
  });

  it("model bytes onnxruntime cannot parse are an OnnxModelError naming their size", async () => {
    const error = await failure(new Uint8Array([1, 2, 3]));
    expect(OnnxModelError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/^ONNX model bytes \(3 bytes\): not a loadable ONNX model \(.+\)$/);
  });
});
