/**
 * `autosing worker`'s refusals, before it takes any job: each one line naming the flag or path
 * and an exit code of the table. (Taking jobs from a real Redis: apps/server test/bullmq*.test.ts.)
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { ExitCode } from "../src/index.js";
import { cli } from "./helpers/run-cli.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-worker-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address !== null ? address.port : 1));
    });
  });
}

describe("autosing worker", () => {
  it("needs --queue", async () => {
    const { code, stderr } = await cli("worker");
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toMatch(/required option '--queue <url>' not specified/);
  });

  it("refuses a --queue that is not a Redis URL, naming it", async () => {
    const { code, stderr } = await cli("worker", "--queue", "http://127.0.0.1:6379", "--state", join(dir, "state"));
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toBe("autosing worker: --queue http://127.0.0.1:6379: expected a Redis URL, redis://[user:password@]host:port[/db] (or rediss:// for TLS)\n");
  });

  it("refuses two datasets of one name, and a dataset folder that does not exist", async () => {
    const taken = await cli("worker", "--queue", "redis://127.0.0.1:6379", "--dataset", `a=${dir}`, "--dataset", `a=${dir}`);
    expect(taken.code).toBe(ExitCode.usage);
    expect(taken.stderr).toBe(`autosing worker: --dataset a=${dir}: the name "a" is taken by another --dataset; name one of them with --dataset <name>=<dir>\n`);
    const missing = await cli("worker", "--queue", "redis://127.0.0.1:6379", "--dataset", join(dir, "nope"), "--state", join(dir, "state"));
    expect(missing.code).toBe(ExitCode.fileSystem);
    expect(missing.stderr).toMatch(new RegExp(`^autosing worker: .*${join(dir, "nope")}.*does not exist`));
  });

  it("exits 8 naming the URL (password hidden) when Redis does not answer", async () => {
    const port = await closedPort();
    const { code, stderr } = await cli("worker", "--queue", `redis://worker:secret@127.0.0.1:${port}`, "--state", join(dir, "state"));
    expect(code).toBe(ExitCode.serviceUnavailable);
    expect(stderr).toMatch(new RegExp(`^autosing worker: cannot reach Redis at redis://worker:\\*\\*\\*@127\\.0\\.0\\.1:${port}: .+; start redis-server there or pass the right --queue redis://host:port\\n$`));
    expect(stderr).not.toContain("secret");
  });
});
