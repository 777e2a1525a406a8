import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { CheckpointError, readTrainerState } from "../src/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const built = join(here, "..", "dist", "index.js");
const CHECKPOINT_FILES = ["config.json", "model.safetensors", "optimizer.safetensors", "trainer-state.json"];

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "autosing-checkpoint-kill-"));
});
afterAll(async () => rm(scratch, { recursive: true, force: true }));

/** Runs the checkpoint writer child; resolves with how it ended. */
async function runWriter(parent: string, mode: "kill" | "complete"): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  // The child runs the built package; turbo's test task builds first.
  if (!existsSync(built)) throw new Error(`${built} is missing: run \`tsc --build\` in packages/trainer first`);
  const child = spawn(process.execPath, [join(here, "fixtures", "checkpoint-writer.mjs"), parent, mode], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal, stderr })));
}

describe("checkpoint writes", () => {
  it("a run killed while checkpointing leaves no checkpoint folder; the next save completes and removes the scratch", async () => {
    const parent = join(scratch, "killed");
    const killed = await runWriter(parent, "kill");
    expect(killed.signal).toBe("SIGKILL");
    const left = await readdir(parent);
    // Only the dead run's scratch folder, holding the model files written before the kill.
    expect(left).toHaveLength(1);
    expect(left[0]).toMatch(/^\.epoch=0-step=3\.[A-Za-z0-9_-]+\.\d+\.\d+\.tmp$/);
    expect((await readdir(join(parent, left[0]!))).sort()).toEqual(["config.json", "model.safetensors"]);

    const rerun = await runWriter(parent, "complete");
    expect(rerun.code, rerun.stderr).toBe(0);
    expect(await readdir(parent)).toEqual(["epoch=0-step=3"]);
    expect((await readdir(join(parent, "epoch=0-step=3"))).sort()).toEqual(CHECKPOINT_FILES);
    expect((await readTrainerState(join(parent, "epoch=0-step=3"))).step).toBe(3);
  });

  it("a second save to the same step replaces the folder whole", async () => {
    const parent = join(scratch, "twice");
    expect((await runWriter(parent, "complete")).code).toBe(0);
    expect((await runWriter(parent, "complete")).code).toBe(0);
    expect(await readdir(parent)).toEqual(["epoch=0-step=3"]);
    expect((await readdir(join(parent, "epoch=0-step=3"))).sort()).toEqual(CHECKPOINT_FILES);
  });

  it("refuses to resume from a scratch folder", async () => {
    const folder = join(scratch, ".epoch=0-step=3.host.12345.1.tmp");
    await expect(readTrainerState(folder)).rejects.toThrow(CheckpointError);
    await expect(readTrainerState(folder)).rejects.toThrow(/unfinished checkpoint/);
  });
});
