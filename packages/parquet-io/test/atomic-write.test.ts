import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { WriterStateError, createTableWriter, readTable, stoksTable, writeTable } from "../src/index.js";
import { tempDir } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "..", "dist", "index.js");

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

/** Starts the slow writer child, waits until it has written row groups, then SIGKILLs it. */
async function killWriterMidway(file: string): Promise<string> {
  // The child runs the built package; turbo's test task builds first.
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`tsc --build\` in packages/parquet-io first`);
  const child = spawn(process.execPath, [join(here, "fixtures", "slow-writer.mjs"), file], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const tempFile = await new Promise<string>((resolve, reject) => {
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /writing (.+)\n/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`writer exited early (${code}): ${stderr}`)));
  });
  const exited = new Promise((resolve) => child.on("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return tempFile;
}

describe("atomic writes", () => {
  it("a writer killed mid-way leaves no file under the final name", async () => {
    const file = join(dir, "7", "stoks.parquet");
    const tempFile = await killWriterMidway(file);
    expect(dirname(tempFile)).toBe(dirname(file));
    // the temp file had row groups in it when the writer died
    expect((await stat(tempFile)).size).toBeGreaterThan(10_000);
    expect(existsSync(file)).toBe(false);
    // The next writer into the folder removes the dead writer's temporary file and completes.
    await writeTable(file, stoksTable, [{ id: "new", values: Int32Array.of(1) }]);
    expect(await readdir(dirname(file))).toEqual(["stoks.parquet"]);
  });

  it("a killed writer leaves an existing file under the final name intact", async () => {
    const file = join(dir, "stoks.parquet");
    await writeTable(file, stoksTable, [{ id: "old", values: Int32Array.of(1, 2) }]);
    await killWriterMidway(file);
    const rows = await readTable(file, stoksTable);
    expect(rows.map((r) => r.id)).toEqual(["old"]);
  });

  it("abort() removes the temp file; a finished writer refuses more rows", async () => {
    const file = join(dir, "stoks.parquet");
    const writer = await createTableWriter(file, stoksTable, { rowGroupRows: 1 });
    writer.append([{ id: "a", values: Int32Array.of(1) }]);
    expect(existsSync(writer.tempFile)).toBe(true);
    writer.abort();
    expect(await readdir(dir)).toEqual([]);

    const second = await createTableWriter(file, stoksTable);
    second.append([{ id: "a", values: Int32Array.of(1) }]);
    expect(existsSync(file)).toBe(false);
    second.finish();
    expect(await readdir(dir)).toEqual(["stoks.parquet"]);
    expect(() => second.append([])).toThrow(WriterStateError);
  });
});
