import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
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

/** Every file of `folder` with its text, by name. */
async function folderContents(folder: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of (await readdir(folder)).sort()) out[name] = await readFile(join(folder, name), "utf8");
  return out;
}

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

  it("a graph build that fails creates nothing", async () => {
    const out = join(dir, "failing");
    await expect(writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => {
      throw new ToyError("cannot build");
    })).rejects.toThrow("cannot build");
    await expect(stat(out)).rejects.toThrow(/ENOENT/);
  });

  it("replaces an export as a whole: a write that fails midway leaves the old export, with no scratch folder", async () => {
    const parent = join(dir, "replace");
    const out = join(parent, "export");
    await writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => ({ encoder: Uint8Array.of(1), decoder: Uint8Array.of(2) }));
    await writeFile(join(out, "sm2a-config.json"), "another model's export, kept");
    const old = await folderContents(out);
    // The decoder graph is not bytes: writing it fails after the encoder was written.
    const broken = { encoder: Uint8Array.of(9), decoder: 42 as unknown as Uint8Array };
    await expect(writeExportFolder(TOY_MODEL, layout, out, { config: { ...config, width: 8 }, tunables }, () => broken)).rejects.toThrow();
    expect(await folderContents(out)).toEqual(old);
    expect(await readdir(parent)).toEqual(["export"]);

    await writeExportFolder(TOY_MODEL, layout, out, { config: { ...config, width: 8 }, tunables }, () => ({ encoder: Uint8Array.of(9), decoder: Uint8Array.of(8) }));
    const now = await folderContents(out);
    expect(Object.keys(now)).toEqual(["sm2a-config.json", "toy-config.json", "toy-decoder.onnx", "toy-encoder.onnx"]);
    expect(now["toy-encoder.onnx"]).toBe("\t");
    expect(now["sm2a-config.json"]).toBe("another model's export, kept");
    expect(JSON.parse(now["toy-config.json"] ?? "").config.width).toBe(8);
    expect(await readdir(parent)).toEqual(["export"]);
  });

  it("refuses an export folder holding a subfolder, before building anything", async () => {
    const out = join(dir, "with-subfolder");
    await mkdir(join(out, "keep-me"), { recursive: true });
    const error = await writeExportFolder(TOY_MODEL, layout, out, { config, tunables }, () => expect.fail("built graphs")).catch((e: unknown) => e);
    expect(ExportFolderError.isInstance(error) && error.message).toBe(`${join(out, "keep-me")}: is in the export folder, which an export replaces as a whole; export into a folder without subfolders (EEXIST)`);
    expect(await readdir(out)).toEqual(["keep-me"]);
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
