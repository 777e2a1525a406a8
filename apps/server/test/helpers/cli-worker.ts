/**
 * `autosing worker` as a user starts it: the built CLI bin (`apps/cli/dist/bin.js`) in its own
 * process, its stderr collected so a test can see which jobs it took and how it stopped.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const CLI_BIN = fileURLToPath(new URL("../../../cli/dist/bin.js", import.meta.url));

export interface SpawnedWorker {
  readonly child: ChildProcess;
  /** Everything it wrote to stderr so far. */
  log(): string;
  /** Resolves when its stderr holds a line matching `pattern`. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code once its output is all read. */
  exited: Promise<number | null>;
}

/** `autosing worker <args>` from the built CLI. */
export function spawnWorker(args: readonly string[]): SpawnedWorker {
  return spawnProcess([CLI_BIN, "worker", ...args]);
}

/** `node <args>`, its output collected. */
export function spawnProcess(args: readonly string[]): SpawnedWorker {
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NODE_OPTIONS: "" } });
  let output = "";
  const waiters = new Set<() => void>();
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on("data", collect);
  child.stderr?.on("data", collect);
  // "close", not "exit": by then everything it wrote has been read.
  const exited = new Promise<number | null>((resolve) => child.once("close", (code) => resolve(code)));
  return {
    child,
    log: () => output,
    exited,
    waitFor(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (!pattern.test(output)) return;
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
        check();
        setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`autosing worker: no line matching ${pattern} in ${timeoutMs} ms; its output:\n${output}`));
        }, timeoutMs).unref();
        void exited.then((code) => {
          if (!waiters.has(check)) return;
          waiters.delete(check);
          reject(new Error(`autosing worker exited (${code}) before a line matching ${pattern}; its output:\n${output}`));
        });
      });
    },
  };
}
