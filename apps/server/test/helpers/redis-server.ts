/**
 * A real `redis-server` for the BullMQ tests: a free loopback port, no persistence (`--save ''
 * --appendonly no`), its files in a temp folder removed on stop. Where the binary is missing the
 * suite says so in one loud line and skips — except under `CI=true`, where a missing redis-server
 * fails the run (`.ci/run` installs it).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** The redis-server on PATH (or `REDIS_SERVER`), or undefined. */
export function findRedisServer(): string | undefined {
  const candidate = process.env["REDIS_SERVER"] ?? "redis-server";
  const probe = spawnSync(candidate, ["--version"], { encoding: "utf8" });
  return probe.status === 0 ? candidate : undefined;
}

/**
 * The binary when present. Absent: one loud line on stderr and undefined (the caller skips its
 * suite), or under CI=true an error, so CI never passes without the tests having run.
 */
export function redisServerOrSkip(suite: string): string | undefined {
  const found = findRedisServer();
  if (found !== undefined) return found;
  const line = `!!!!! ${suite}: redis-server is not installed, so these tests DID NOT RUN (apt-get install redis-server; .ci/run does) !!!!!`;
  if (process.env["CI"] === "true") throw new Error(`${line} — CI=true requires it`);
  process.stderr.write(`\n${line}\n\n`);
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts redis-server and resolves once it accepts connections. */
export async function startRedisServer(binary: string): Promise<RunningRedis> {
  const dir = mkdtempSync(join(tmpdir(), "autosing-redis-"));
  const port = await freePort();
  const child: ChildProcess = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${output}`)));
    setTimeout(() => reject(new Error(`redis-server did not start in 10 s:\n${output}`)), 10_000).unref();
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
