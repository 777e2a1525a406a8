/**
 * `autosing` as a real process, for the hostile cases that an in-process run cannot show: signals,
 * kills, and file permissions (run as an unprivileged user, since CI runs as root and root may
 * write anywhere). The child runs the built CLI (`dist/bin.js`; turbo's test task builds first).
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const BIN = fileURLToPath(new URL("../../dist/bin.js", import.meta.url));

/** A running `autosing`, its stderr so far, and its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  readonly stderr: () => string;
  readonly stdout: () => string;
  /** Resolves when stderr matches `pattern` (rejects if the process ends first). */
  waitForStderr(pattern: RegExp): Promise<void>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `autosing <args>`, optionally under `prefix` (`setpriv … --`), in `cwd`. */
export function startCli(args: readonly string[], options: { cwd?: string; prefix?: readonly string[]; env?: NodeJS.ProcessEnv } = {}): RunningCli {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`tsc --build\` at the repository root first`);
  const prefix = options.prefix ?? [];
  const command = prefix[0] ?? process.execPath;
  const rest = prefix.length === 0 ? [BIN, ...args] : [...prefix.slice(1), process.execPath, BIN, ...args];
  const child = spawn(command, rest, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
  let err = "";
  let out = "";
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    err += chunk.toString();
    for (const watcher of watchers.splice(0)) {
      if (watcher.pattern.test(err)) watcher.resolve();
      else watchers.push(watcher);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  return {
    child,
    stderr: () => err,
    stdout: () => out,
    exited,
    waitForStderr: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(err)) return resolve();
        watchers.push({ pattern, resolve });
        void exited.then(() => reject(new Error(`autosing ended before stderr matched ${pattern}:\n${err}`)));
      }),
  };
}

/** How permission cases run: as the unprivileged user when this is root (setpriv), else as this user. */
export type Unprivileged = { readonly prefix: readonly string[] } | { readonly skip: string };

export function unprivileged(): Unprivileged {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const found = spawnSync("setpriv", ["--version"], { stdio: "ignore" });
  if (found.error !== undefined || found.status !== 0) {
    const why = "setpriv (util-linux) is missing, and as root every permission case would pass without testing anything";
    // CI runs as root and must run these cases: a missing setpriv fails the suite there.
    if (process.env.CI === "true") throw new Error(`${why}; install util-linux`);
    return { skip: why };
  }
  return { prefix: ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"] };
}
