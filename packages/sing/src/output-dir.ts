import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";

import { SingOutputError } from "./errors.js";

/**
 * Checks, before any heavy stage, that `dir` can take the outputs: it is a directory, or it does
 * not exist yet and its nearest existing ancestor is a writable directory (mkdir will make the
 * rest when the outputs are written). Creates nothing, so a run that fails later leaves no
 * empty folder behind. Without this a file in the way surfaced only after the whole pipeline.
 */
export async function checkOutputDirectory(flag: string, dir: string): Promise<void> {
  let path = resolve(dir);
  for (;;) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      // ENOTDIR: a file stands somewhere above; the loop reaches it and names it.
      if (error.code === "ENOENT" || error.code === "ENOTDIR") return undefined;
      throw new SingOutputError(flag, dir, `cannot be checked: ${error.message}`, { cause: error });
    });
    if (info !== undefined) {
      if (!info.isDirectory()) {
        const where = path === resolve(dir) ? "is a file, not a directory" : `cannot be created: ${path} is a file, not a directory`;
        throw new SingOutputError(flag, dir, `${where}; give a directory (existing or new) for the outputs`);
      }
      await access(path, constants.W_OK | constants.X_OK).catch((error: unknown) => {
        throw new SingOutputError(flag, dir, `cannot be written: ${path} is not writable by this user; choose another directory`, { cause: error });
      });
      return;
    }
    const parent = dirname(path);
    // The root always exists; reaching it without a stat result means stat itself is failing.
    if (parent === path) return;
    path = parent;
  }
}
