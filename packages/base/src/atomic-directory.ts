/**
 * A folder of several files that appears all at once: the files are written into a scratch folder
 * beside the target (base's temporary naming, `.<name>.<host>.<pid>.<n>.tmp`) and the folder is
 * renamed into place only when every file is complete. A run killed midway leaves only the scratch
 * folder, which the next write into the same parent removes once its process is dead (an
 * interrupt removes it at once, see `cleanUpAfterInterrupt`).
 */
import { renameSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

import { temporaryPathFor } from "./atomic-file.js";
import { settleTemporary } from "./live-temporaries.js";
import { removeStaleTemporaries } from "./stale-temporaries.js";

/** Whether a rename failed because the target folder exists and is not empty. */
function targetExists(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOTEMPTY" || code === "EEXIST";
}

/**
 * Replaces the folder `directory` by `scratch`. Node has no atomic exchange of two folders, so the
 * old one is moved aside first; both renames are synchronous, so no signal handler runs between
 * them, and only a SIGKILL or a crash there leaves the old folder under its aside name (which the
 * next write into the parent removes), never a mix of old and new files. Returns the aside name,
 * for the caller to remove.
 */
function replaceDirectory(scratch: string, directory: string): string {
  const aside = temporaryPathFor(directory);
  renameSync(directory, aside);
  try {
    renameSync(scratch, directory);
  } catch (error) {
    renameSync(aside, directory);
    settleTemporary(aside);
    throw error;
  }
  return aside;
}

/**
 * Calls `write(scratch)` to fill a scratch folder, then renames it to `directory`, which appears
 * with every file or not at all. An existing `directory` is replaced as a whole (files of the old
 * folder that the new one lacks are gone). On failure the scratch folder is removed and
 * `directory` is left as it was. The scratch folder is made in `directory`'s parent, which must
 * be writable (created when missing); leftovers a dead writer left there are removed first.
 */
export async function writeDirectoryAtomic(directory: string, write: (scratch: string) => Promise<void>): Promise<void> {
  const parent = dirname(directory);
  await mkdir(parent, { recursive: true });
  await removeStaleTemporaries(parent);
  const scratch = temporaryPathFor(directory);
  await mkdir(scratch);
  try {
    await write(scratch);
    try {
      await rename(scratch, directory);
    } catch (error) {
      if (!targetExists(error)) throw error;
      const aside = replaceDirectory(scratch, directory);
      await rm(aside, { recursive: true, force: true });
      settleTemporary(aside);
    }
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  } finally {
    settleTemporary(scratch);
  }
}
