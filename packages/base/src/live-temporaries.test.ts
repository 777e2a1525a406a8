import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmdirSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { writeDirectoryAtomic } from "./atomic-directory.js";
import { openAtomicFile, temporaryPathFor, writeFileAtomic } from "./atomic-file.js";
import { cleanUpAfterInterrupt, whenInterrupted } from "./live-temporaries.js";

describe("cleanUpAfterInterrupt", () => {
  it("removes this process's unfinished temporaries and runs the cleanups, but nothing settled or final", async () => {
    const dir = mkdtempSync(join(tmpdir(), "autosing-live-"));
    await writeFileAtomic(join(dir, "done.json"), "complete");
    const committed = openAtomicFile(join(dir, "committed.parquet"));
    committed.write(Uint8Array.of(1));
    committed.commit();
    const open = openAtomicFile(join(dir, "open.parquet"));
    open.write(Uint8Array.of(1, 2));
    const pending = temporaryPathFor(join(dir, "pending.parquet"));
    writeFileSync(pending, "renamed later by its writer");
    const never = temporaryPathFor(join(dir, "never-written"));
    const created = join(dir, "7");
    mkdirSync(created);
    const unregistered = whenInterrupted(() => expect.fail("an unregistered cleanup ran"));
    unregistered();
    whenInterrupted(() => rmdirSync(created));

    let removed: string[] = [];
    // The registry is the process's: files run before this one in the same test worker may have
    // left temporaries of their own (simulated crashes); only this test's folder is checked.
    const ours = (paths: string[]) => paths.filter((path) => path.startsWith(dir));
    await writeDirectoryAtomic(join(dir, "export"), async (scratch) => {
      await writeFile(join(scratch, "a.onnx"), "half");
      removed = ours(cleanUpAfterInterrupt());
      // What the signal handler does next: exit. Here the write goes on into a folder that is gone.
      mkdirSync(scratch);
    });

    expect(removed).toHaveLength(3);
    expect(removed).toEqual(expect.arrayContaining([open.temporaryPath, pending, expect.stringMatching(/\/\.export\..+\.tmp$/)]));
    expect(existsSync(never)).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(["committed.parquet", "done.json", "export"]);
    // Nothing is left to clean twice.
    expect(cleanUpAfterInterrupt()).toEqual([]);
    open.abort();
  });
});
