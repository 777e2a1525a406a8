import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { alignmentTable, stepPath, stoksTable, writeTable } from "@autosing/parquet-io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-dataset-"));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

async function fixture(): Promise<void> {
  await writeTable(stepPath(dir, 0, "stoks"), stoksTable, [{ id: "a", values: new Int32Array(750) }, { id: "b", values: new Int32Array(750) }]);
  await writeTable(stepPath(dir, 1, "stoks"), stoksTable, [{ id: "c", values: new Int32Array(750) }]);
  await writeTable(stepPath(dir, 1, "alignment"), alignmentTable, [{ id: "c", alignment: null }]);
}

/** Two broken step tables beside the good ones: bytes that are not Parquet, and a table with another table's columns. */
async function brokenFixture(): Promise<void> {
  await fixture();
  await writeFile(stepPath(dir, 1, "chunked"), "truncated");
  await writeTable(stepPath(dir, 0, "alignment"), stoksTable, [{ id: "a", values: new Int32Array(1) }]);
}

describe("autosing dataset info", () => {
  it("prints partitions, rows per step, completeness and bytes as a table", async () => {
    await fixture();
    const { code, stdout } = await run("dataset", "info", dir);
    expect(code).toBe(0);
    expect(stdout).toContain(`${dir}: 2 partitions,`);
    expect(stdout).toMatch(/^step\s+partitions\s+rows\s+bytes\s+complete$/m);
    expect(stdout).toMatch(/^stoks\s+2\/2\s+3\s+[\d.]+ (B|KiB)\s+yes$/m);
    expect(stdout).toMatch(/^alignment\s+1\/2\s+1\s+.*\s+no$/m);
    expect(stdout).not.toMatch(/unreadable/);
  });

  it("still prints the summary when step tables are broken, lists them, and exits 4 naming the first", async () => {
    await brokenFixture();
    const { code, stdout, stderr } = await run("dataset", "info", dir);
    expect(code).toBe(ExitCode.badInput);
    expect(stdout).toMatch(/^stoks\s+2\/2\s+3\s+/m);
    expect(stdout).toMatch(/0\/alignment\.parquet: missing column "alignment"/);
    expect(stdout).toMatch(/1\/chunked\.parquet: unreadable footer/);
    expect(stderr).toBe(`autosing dataset info: ${stepPath(dir, 0, "alignment")}: missing column "alignment" (file has: id, values); regenerate the file with the step that writes it (and 1 more, listed above)\n`);
  });

  it("prints JSON with --json", async () => {
    await fixture();
    const { code, stdout } = await run("dataset", "info", dir, "--json");
    expect(code).toBe(0);
    const info = JSON.parse(stdout) as { partitions: { partition: number }[]; steps: { step: string; rows: number; complete: boolean }[] };
    expect(info.partitions.map((p) => p.partition)).toEqual([0, 1]);
    expect(info.steps.find((s) => s.step === "stoks")).toMatchObject({ rows: 3, complete: true });
  });

  it("fails with the folder named when it does not exist", async () => {
    const { code, stderr } = await run("dataset", "info", join(dir, "absent"));
    expect(code).toBe(ExitCode.fileSystem);
    expect(stderr).toMatch(/autosing dataset info: .*absent: cannot list the dataset folder/);
  });
});
