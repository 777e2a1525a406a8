import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { writeDirectoryAtomic } from "./atomic-directory.js";

const built = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "index.js");

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "autosing-atomic-dir-"));
}

/** Every file under `dir` with its text, relative paths, sorted. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = readFileSync(join(dir, name), "utf8");
  return out;
}

describe("writeDirectoryAtomic", () => {
  it("creates the folder with every file, and replaces an existing one as a whole", async () => {
    const parent = scratch();
    const target = join(parent, "nested", "export");
    await writeDirectoryAtomic(target, async (dir) => {
      await writeFile(join(dir, "a.onnx"), "a1");
      await writeFile(join(dir, "config.json"), "c1");
    });
    expect(contents(target)).toEqual({ "a.onnx": "a1", "config.json": "c1" });
    await writeDirectoryAtomic(target, async (dir) => writeFile(join(dir, "a.onnx"), "a2"));
    expect(contents(target)).toEqual({ "a.onnx": "a2" });
    expect(readdirSync(join(parent, "nested"))).toEqual(["export"]);
  });

  it("a write that fails midway leaves the old folder untouched and no scratch folder", async () => {
    const parent = scratch();
    const target = join(parent, "export");
    mkdirSync(target);
    writeFileSync(join(target, "a.onnx"), "old");
    const failing = writeDirectoryAtomic(target, async (dir) => {
      await writeFile(join(dir, "a.onnx"), "new");
      throw new Error("disk full after the first file");
    });
    await expect(failing).rejects.toThrow("disk full");
    expect(contents(target)).toEqual({ "a.onnx": "old" });
    expect(readdirSync(parent)).toEqual(["export"]);
  });

  it("a process killed midway leaves the old folder; the next write removes the dead scratch folder", async () => {
    // The child runs the built package; turbo's test task builds first.
    if (!existsSync(built)) throw new Error(`${built} is missing: run \`tsc --build\` in packages/base first`);
    const parent = scratch();
    const target = join(parent, "export");
    mkdirSync(target);
    writeFileSync(join(target, "a.onnx"), "old");
    const script = `
      import { writeFile } from "node:fs/promises";
      import { join } from "node:path";
      const { writeDirectoryAtomic } = await import(${JSON.stringify(built)});
      await writeDirectoryAtomic(process.argv[1], async (dir) => {
        await writeFile(join(dir, "a.onnx"), "new");
        process.kill(process.pid, "SIGKILL");
      });`;
    const child = spawn(process.execPath, ["--input-type=module", "-e", script, target], { stdio: "ignore" });
    const signal = await new Promise((resolve) => child.on("exit", (_code, s) => resolve(s)));
    expect(signal).toBe("SIGKILL");
    expect(contents(target)).toEqual({ "a.onnx": "old" });
    const left = readdirSync(parent).filter((name) => name !== "export");
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(new RegExp(`^\\.export\\..+\\.${child.pid}\\.\\d+\\.tmp$`));

    await writeDirectoryAtomic(target, async (dir) => writeFile(join(dir, "a.onnx"), "redone"));
    expect(readdirSync(parent)).toEqual(["export"]);
    expect(contents(target)).toEqual({ "a.onnx": "redone" });
  });
});
