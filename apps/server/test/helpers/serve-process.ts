/**
 * A real server process for the tests that kill one: `node --import tsx serve-process.ts '<options JSON>'`
 * calls startServer and prints its URL on stdout. {@link spawnServer} starts it and waits for the URL.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

import type { ServeOptions } from "../../src/serve-options.js";

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything it wrote on stderr so far (one line per request and job transition). */
  readonly stderr: () => string;
}

const here = fileURLToPath(import.meta.url);

/** Starts the server in its own process; rejects with its stderr when it exits before printing its URL. */
export function spawnServer(options: Omit<ServeOptions, "log">): Promise<ServerProcess> {
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve("tsx/package.json")), "dist", "loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", tsx, here, JSON.stringify(options)], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  let stdout = "";
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.stdout?.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && line !== undefined) resolve({ url: line, child, stderr: () => stderr });
    });
    child.on("exit", (code, signal) => reject(new Error(`the server process ended (${code ?? signal}) before printing its URL:\n${stderr}`)));
  });
}

/** Waits for the process to end (after a kill). */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve())));
}

// Run as a script: start the server and print its URL.
if (process.argv[1] === here) {
  const { startServer } = await import("../../src/start-server.js");
  const server = await startServer({ ...(JSON.parse(process.argv[2] ?? "{}") as ServeOptions), log: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
