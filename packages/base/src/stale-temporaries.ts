/**
 * Removal of leftovers that an interrupted writer left beside its targets: files and scratch
 * folders named by {@link temporaryPathFor} (`.<name>.<host>.<pid>.<n>.tmp`). The name says who
 * wrote it, so a later run can remove what a dead process on this host left, and anything a day
 * old, without ever pulling a file from under a writer that is still running.
 */
import { readdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";

import { temporaryHostName } from "./atomic-file.js";

const ONE_DAY_MS = 24 * 60 * 60 * 1000;
// Host names are sanitised to [A-Za-z0-9_-] (no dots), so the last four dot fields are unambiguous.
const TEMPORARY_NAME = /^\..+\.([A-Za-z0-9_-]+)\.(\d+)\.(\d+)\.tmp$/;

/** Options of {@link removeStaleTemporaries}; the defaults suit every caller but tests. */
export interface StaleTemporaryOptions {
  /** Leftovers whose modification time is older than this are removed whoever wrote them. Default one day. */
  readonly maxAgeMs?: number;
  /** The current time in ms (tests). Default `Date.now()`. */
  readonly now?: number;
}

/** Whether process `pid` exists on this host: signal 0 checks without sending anything. */
function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user, so it is alive.
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * Removes the temporary files and folders in `folder` whose writer is a dead process on this host,
 * or that are older than `maxAgeMs`; a live writer's are kept, other entries are never touched.
 * A missing folder has nothing to clean. Returns the removed paths.
 */
export async function removeStaleTemporaries(folder: string, options: StaleTemporaryOptions = {}): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT" || (error as NodeJS.ErrnoException).code === "ENOTDIR") return [];
    throw error;
  }
  const host = temporaryHostName();
  const now = options.now ?? Date.now();
  const maxAge = options.maxAgeMs ?? ONE_DAY_MS;
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMPORARY_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[2]);
    const path = join(folder, name);
    const sameHost = match[1] === host;
    if (sameHost && processIsAlive(pid)) continue;
    if (!sameHost) {
      // Another host's writer may be alive; only age tells. A vanished entry was removed by someone else.
      const modified = await stat(path).then((s) => s.mtimeMs, () => undefined);
      if (modified === undefined || now - modified <= maxAge) continue;
    }
    await rm(path, { recursive: true, force: true });
    removed.push(path);
  }
  return removed;
}
