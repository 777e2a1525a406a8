import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { constructDataset, listPartitions, mainTable, readTable, stepPath, writeTable } from "../src/index.js";
import { syntheticAlignment, tempDir, writeConstructInput } from "./helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "..", "dist", "index.js");

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

async function writeTwoInputPartitions(data: string): Promise<void> {
  await writeConstructInput(data, 0, Array.from({ length: 12 }, (_, i) => `a${i}_at_0`), () => syntheticAlignment(0, 30));
  await writeConstructInput(data, 1, Array.from({ length: 11 }, (_, i) => `b${i}_at_0`), () => syntheticAlignment(0, 30));
}

/** Every entry under `out`, one level of partition folders deep, sorted. */
async function entries(out: string): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(out)) {
    found.push(name);
    if (/^\d+$/.test(name)) for (const inner of await readdir(join(out, name))) found.push(`${name}/${inner}`);
  }
  return found.sort();
}

/** Runs the construct-dataset child, which kills itself after writing output partition `killAfter`. */
async function runKilled(data: string, out: string, killAfter: number): Promise<NodeJS.Signals | null> {
  // The child runs the built package; turbo's test task builds first.
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`tsc --build\` in packages/parquet-io first`);
  const child = spawn(process.execPath, [join(here, "fixtures", "construct-killed.mjs"), data, out, String(killAfter)], { stdio: "ignore" });
  return new Promise((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
}

const FINAL = ["0", "0/main.parquet", "1", "1/main.parquet", "2", "2/main.parquet", "3", "3/main.parquet", "4", "4/main.parquet"];

describe("construct-dataset commits a run as a whole", () => {
  it("a run killed mid-write leaves no numbered main.parquet; a rerun without --force completes and removes the leftovers", async () => {
    const data = join(dir, "data");
    const out = join(dir, "out");
    await writeTwoInputPartitions(data);
    expect(await runKilled(data, out, 2)).toBe("SIGKILL");
    const left = await entries(out);
    expect(left.filter((name) => name.endsWith("/main.parquet"))).toEqual([]);
    // Pending partitions 0-2 and the bucket scratch folder, all hidden and named after the dead process.
    expect(left.filter((name) => name.endsWith(".tmp")).length).toBeGreaterThanOrEqual(4);

    const result = await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: out, numOutPartitions: 4 });
    expect(result.partitionsWritten).toBe(5);
    expect(await entries(out)).toEqual(FINAL);
  });

  it("a run that fails while writing into a new folder leaves no folder; into an existing one, only what was there", async () => {
    const data = join(dir, "data");
    await writeTwoInputPartitions(data);
    const failAt = (partition: number) => (event: { phase: string; partition: number }) => {
      if (event.phase === "write" && event.partition === partition) throw new Error("disk full");
    };
    const out = join(dir, "new", "out");
    await expect(constructDataset({ dataDir: data, numInPartitions: 2, outputDir: out, numOutPartitions: 4, onProgress: failAt(2) })).rejects.toThrow("disk full");
    expect(await readdir(join(dir, "new"))).toEqual([]);

    const existing = join(dir, "existing");
    await writeTable(stepPath(existing, 1, "other"), mainTable("other"), []);
    await expect(constructDataset({ dataDir: data, numInPartitions: 2, outputDir: existing, numOutPartitions: 4, onProgress: failAt(3) })).rejects.toThrow("disk full");
    expect(await entries(existing)).toEqual(["1", "1/other.parquet"]);
  });

  it("gives the same bytes as an uninterrupted run", async () => {
    const data = join(dir, "data");
    await writeTwoInputPartitions(data);
    await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: join(dir, "clean"), numOutPartitions: 4 });
    expect(await runKilled(data, join(dir, "redone"), 3)).toBe("SIGKILL");
    await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: join(dir, "redone"), numOutPartitions: 4 });
    const partitions = await listPartitions(join(dir, "clean"));
    expect(partitions).toEqual([0, 1, 2, 3, 4]);
    for (const partition of partitions) {
      const bytes = async (out: string) => readFile(stepPath(out, partition, "main"));
      expect((await bytes(join(dir, "redone"))).equals(await bytes(join(dir, "clean")))).toBe(true);
    }
  });

  it("redoes a run killed while committing (partitions without partition 0) and keeps other tables", async () => {
    const data = join(dir, "data");
    const out = join(dir, "out");
    await writeTwoInputPartitions(data);
    // What a kill during the renames leaves: the higher partitions in place, partition 0 not yet.
    for (const partition of [3, 4, 5, 6]) await writeTable(stepPath(out, partition, "main"), mainTable("main"), []);
    await writeTable(stepPath(out, 6, "other"), mainTable("other"), []);
    await writeFile(join(out, "6", ".main.parquet.elsewhere.1.1.tmp"), "another host's, recent: kept");

    await constructDataset({ dataDir: data, numInPartitions: 2, outputDir: out, numOutPartitions: 4 });

    expect(await entries(out)).toEqual([...FINAL, "6", "6/.main.parquet.elsewhere.1.1.tmp", "6/other.parquet"].sort());
    expect(await readTable(stepPath(out, 3, "main"), mainTable("main"))).toHaveLength(4);
  });
});
