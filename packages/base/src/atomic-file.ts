/**
 * Atomic file writes: the bytes go to a hidden temporary file in the same directory (so the
 * final rename stays on one filesystem) and appear under the final name only when complete and
 * synced. A crash, an error or an abort leaves no file under the final name and never touches an
 * existing one until the rename.
 */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";

import { settleTemporary, trackTemporary } from "./live-temporaries.js";

let temporaryCounter = 0;

/**
 * A fresh hidden temporary name beside `file`: `.<name>.<host>.<pid>.<n>.tmp`. Host and process
 * id say who wrote it, so a later run can tell a dead writer's leftovers from a live one's. The
 * name is tracked, so an interrupt removes it if it still exists (`cleanUpAfterInterrupt`).
 */
export function temporaryPathFor(file: string): string {
  temporaryCounter += 1;
  const path = join(dirname(file), `.${basename(file)}.${temporaryHostName()}.${process.pid}.${temporaryCounter}.tmp`);
  trackTemporary(path);
  return path;
}

/** This host's name as temporary names carry it: characters other than `[A-Za-z0-9_-]` become `_`. */
export function temporaryHostName(): string {
  return hostname().replace(/[^A-Za-z0-9_-]/g, "_");
}

/**
 * A failed system call of a write to `file`, restated about `file` (the temporary name in Node's
 * message means nothing to a user): `<file>: cannot be written: permission denied (EACCES)`. The
 * errno stays in `code` (exit-code tables key on it) and the original is the `cause`.
 */
function aboutTarget(file: string, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== "string") return error;
  const reason = new RegExp(`^${code}: ([^,]+)`).exec((error as Error).message)?.[1] ?? (error as Error).message;
  return Object.assign(new Error(`${file}: cannot be written: ${reason} (${code})`, { cause: error }), { code });
}

/**
 * Writes `data` to `file` atomically (temporary file, fsync, rename); the temporary file is removed
 * on failure, and a failed system call is reported about `file`, keeping its errno in `code`.
 */
export async function writeFileAtomic(file: string, data: Uint8Array | string): Promise<void> {
  const temporary = temporaryPathFor(file);
  try {
    const handle = await open(temporary, "wx");
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw aboutTarget(file, error);
  } finally {
    settleTemporary(temporary);
  }
}

/** A file being written under a temporary name; `commit()` moves it into place, `abort()` discards it. */
export interface AtomicFile {
  /** The final path. */
  readonly path: string;
  /** Where the bytes go until `commit()`. */
  readonly temporaryPath: string;
  /** Appends bytes (synchronously, at the current end). */
  write(bytes: Uint8Array): void;
  /** Syncs, closes and renames the temporary file to `path`; on failure the temporary file is removed. */
  commit(): void;
  /** Closes and removes the temporary file; nothing appears under `path`. Safe to call twice. */
  abort(): void;
}

/** Opens a temporary file beside `path` for streaming writes that appear atomically on `commit()`. */
export function openAtomicFile(path: string): AtomicFile {
  const temporaryPath = temporaryPathFor(path);
  let fd: number;
  try {
    fd = openSync(temporaryPath, "wx");
  } catch (error) {
    settleTemporary(temporaryPath);
    throw aboutTarget(path, error);
  }
  let state: "open" | "committed" | "aborted" = "open";
  return {
    path,
    temporaryPath,
    write(bytes) {
      if (state !== "open") throw new Error(`${path}: cannot write to an atomic file that is ${state}`);
      let written = 0;
      while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    },
    commit() {
      if (state !== "open") throw new Error(`${path}: cannot commit an atomic file that is ${state}`);
      state = "committed";
      try {
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
        renameSync(temporaryPath, path);
      } catch (error) {
        // A failed sync, close or rename leaves nothing behind, as abort() would.
        rmSync(temporaryPath, { force: true });
        throw aboutTarget(path, error);
      } finally {
        settleTemporary(temporaryPath);
      }
    },
    abort() {
      if (state !== "open") return;
      state = "aborted";
      try {
        closeSync(fd);
      } finally {
        rmSync(temporaryPath, { force: true });
        settleTemporary(temporaryPath);
      }
    },
  };
}
