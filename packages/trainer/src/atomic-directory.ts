/**
 * A folder of several files that appears all at once: the files are written into a scratch folder
 * beside the target (base's temporary naming, `.<name>.<host>.<pid>.<n>.tmp`) and the folder is
 * renamed into place only when every file is complete. A run killed midway leaves only the scratch
 * folder, which the next write into the same parent removes once its process is dead.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { dirname } from "node:path";

import { removeStaleTemporaries, temporaryPathFor } from "@autosing/base";

/** Whether a rename failed because the target folder exists and is not empty. */
function targetExists(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOTEMPTY" || code === "EEXIST";
}

/**
 * Calls `write(scratch)` to fill a scratch folder, then renames it to `directory`. An existing
 * `directory` is replaced (moved aside under a scratch name first, removed after). On failure the
 * scratch folder is removed and `directory` is left as it was.
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
      // Two renames: a kill between them leaves the old folder under a scratch name, never a mix.
      const aside = temporaryPathFor(directory);
      await rename(directory, aside);
      await rename(scratch, directory);
      await rm(aside, { recursive: true, force: true });
    }
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}
