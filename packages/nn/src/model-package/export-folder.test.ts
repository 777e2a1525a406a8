import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExportFolderError, NnError, NonFiniteWeightError } from "../errors.js";
import { type ExportLayout, checkExportFolder, readExportFolder, writeExportFolder } from "./export-folder.js";
import { DEFAULT_TOY_TUNABLES, TOY_MODEL, ToyConfigError, ToyError, type ToyConfig } from "./__fixtures__/toy-model.js";

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "nn-export-folder-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const layout: ExportLayout<"encoder" | "decoder"> = { graphs: { encoder: "toy-encoder.onnx", decoder: "toy-decoder.onnx" }, configFile: "toy-config.json" };
const config: ToyConfig = { width: 4, inputs: 2, hidden: 8, pattern: null, bias: true };
const tunables = { ...DEFAULT_TOY_TUNABLES };

describe("writeExportFolder / readExportFolder", () => {
  it("write the graphs in layout order, then the config as indented JSON with the file names and details", async () => {
    const out = join(dir, "nested", "export");
    let folderExisted = false;
    const files = await writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => {
      folderExisted = true;
      return { encoder: Uint8Array.from([1, 2]), decoder: Uint8Array.from([3]) };
    }, { names: { perLayer: ["a.{i}"] } });
    expect(folderExisted).toBe(true);
    expect(files).toEqual([join(out, "toy-encoder.onnx"), join(out, "toy-decoder.onnx"), join(out, "toy-config.json")]);
    expect([...(await readFile(files[0] ?? ""))]).toEqual([1, 2]);
    expect([...(await readFile(files[1] ?? ""))]).toEqual([3]);
    const expected = { model: "toy", config, tunables, onnx: { encoder: "toy-encoder.onnx", decoder: "toy-decoder.onnx", names: { perLayer: ["a.{i}"] } } };
    expect(await readFile(files[2] ?? "", "utf8")).toBe(`${JSON.stringify(expected, null, 2)}\n`);

    const folder = await readExportFolder(TOY_MODEL, layout, out);
    expect(folder).toEqual({ config, tunables, graphs: { encoder: join(out, "toy-encoder.onnx"), decoder: join(out, "toy-decoder.onnx") } });
  });

  it("an unreadable config is the model package's error naming the file; bad dicts are its config errors", async () => {
    const missing = join(dir, "missing");
    const error = await readExportFolder(TOY_MODEL, layout, missing).catch((e: unknown) => e);
    expect(ToyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(new RegExp(`^${join(missing, "toy-config.json")}: cannot read the export config \\(ENOENT`));

    const out = join(dir, "bad");
    await writeExportFolder(TOY_MODEL, layout, out, { config: { ...config, width: 0 }, tunables }, () => ({ encoder: new Uint8Array(), decoder: new Uint8Array() }));
    await expect(readExportFolder(TOY_MODEL, layout, out)).rejects.toThrow(ToyConfigError);
  });

  it("a graph build that fails leaves the created folder and writes no file", async () => {
    const out = join(dir, "failing");
    await expect(writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => {
      throw new ToyError("cannot build");
    })).rejects.toThrow("cannot build");
    expect((await stat(out)).isDirectory()).toBe(true);
    await expect(stat(join(out, "toy-config.json"))).rejects.toThrow(/ENOENT/);
  });

  it("refuses an output that is a file, or lies under one, before creating anything (ENOTDIR)", async () => {
    const file = join(dir, "a-file");
    await writeFile(file, "x");
    for (const out of [file, join(file, "deeper", "export")]) {
      const error = await writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => expect.fail("built graphs")).catch((e: unknown) => e);
      expect(ExportFolderError.isInstance(error)).toBe(true);
      expect((error as ExportFolderError).code).toBe("ENOTDIR");
      expect((error as Error).message).toMatch(new RegExp(`^${file}: is a file`));
    }
    await expect(checkExportFolder(join(dir, "new", "nested"))).resolves.toBeUndefined();
  });

  it("refuses NaN or infinite weights naming the first tensor and index, before creating the folder", async () => {
    const out = join(dir, "diverged");
    const weights = new Map([
      ["ok", { shape: [2], data: new Float32Array([1, 2]) }],
      ["w", { shape: [2, 2], data: new Float32Array([0, 1, Number.NEGATIVE_INFINITY, Number.NaN]) }],
    ]);
    const error = await writeExportFolder(TOY_MODEL, layout, out, { config, tunables, weights }, () => expect.fail("built graphs")).catch((e: unknown) => e);
    expect(NonFiniteWeightError.isInstance(error)).toBe(true);
    expect(NnError.isInstance(error)).toBe(true);
    expect((error as NonFiniteWeightError).tensor).toBe("w");
    expect((error as NonFiniteWeightError).index).toBe(2);
    expect((error as Error).message).toMatch(/^weight w\[2\] is -Infinity: /);
    await expect(readdir(out)).rejects.toThrow(/ENOENT/);
  });
});
