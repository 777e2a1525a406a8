import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { temporaryHostName, temporaryPathFor } from "./atomic-file.js";
import { removeStaleTemporaries } from "./stale-temporaries.js";

/** The pid of a process that has exited (and been reaped), so signal 0 to it gives ESRCH. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ["-e", ""]);
  return child.pid;
}

describe("removeStaleTemporaries", () => {
  it("removes a dead writer's file and scratch folder, keeps a live one's and every other entry", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autosing-stale-"));
    const host = temporaryHostName();
    const dead = deadPid();
    const deadFile = `.stoks.parquet.${host}.${dead}.3.tmp`;
    const deadFolder = `.epoch=1-step=8.${host}.${dead}.1.tmp`;
    writeFileSync(join(dir, deadFile), "partial");
    mkdirSync(join(dir, deadFolder));
    writeFileSync(join(dir, deadFolder, "model.safetensors"), "partial");
    const live = temporaryPathFor(join(dir, "main.parquet"));
    writeFileSync(live, "being written");
    const others = ["stoks.parquet", ".hidden", ".x.tmp", `.note.${host}.abc.1.tmp`];
    for (const name of others) writeFileSync(join(dir, name), "keep");

    const removed = await removeStaleTemporaries(dir);

    expect(removed.sort()).toEqual([join(dir, deadFolder), join(dir, deadFile)].sort());
    expect(readdirSync(dir).sort()).toEqual([...others, live.slice(dir.length + 1)].sort());
  });

  it("removes another host's leftover only when it is older than a day", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autosing-stale-"));
    const old = `.main.parquet.other-host.${process.pid}.1.tmp`;
    const recent = `.main.parquet.other-host.${process.pid}.2.tmp`;
    writeFileSync(join(dir, old), "old");
    writeFileSync(join(dir, recent), "recent");
    const twoDaysAgo = (Date.now() - 2 * 24 * 3600 * 1000) / 1000;
    utimesSync(join(dir, old), twoDaysAgo, twoDaysAgo);

    expect(await removeStaleTemporaries(dir)).toEqual([join(dir, old)]);
    expect(readdirSync(dir)).toEqual([recent]);
  });

  it("never removes a live writer's leftover, however old", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autosing-stale-"));
    const live = temporaryPathFor(join(dir, "main.parquet"));
    writeFileSync(live, "slow writer");
    expect(await removeStaleTemporaries(dir, { now: Date.now() + 7 * 24 * 3600 * 1000 })).toEqual([]);
    expect(readdirSync(dir)).toHaveLength(1);
  });

  it("treats a missing folder as clean", async () => {
    expect(await removeStaleTemporaries(join(tmpdir(), "autosing-no-such-folder", "0"))).toEqual([]);
  });
});
