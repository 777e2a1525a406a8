import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { describe, expect, it } from "vitest";

import { openAtomicFile, temporaryPathFor, writeFileAtomic } from "./atomic-file.js";

function scratch(): string {
  return mkdtempSync(join(tmpdir(), "autosing-base-"));
}

describe("writeFileAtomic", () => {
  it("replaces the file in one step and leaves no temporary file", async () => {
    const dir = scratch();
    const file = join(dir, "out.json");
    writeFileSync(file, "old");
    await writeFileAtomic(file, "new");
    expect(readFileSync(file, "utf8")).toBe("new");
    await writeFileAtomic(file, new Uint8Array([1, 2, 3]));
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["out.json"]);
  });

  it("fails without touching the target and cleans up when the folder is missing", async () => {
    const dir = scratch();
    const file = join(dir, "absent", "out.bin");
    const error = await writeFileAtomic(file, "x").catch((e: unknown) => e);
    // Said about the target, not the temporary name; the errno stays for exit-code tables.
    expect(error).toMatchObject({ code: "ENOENT", message: `${file}: cannot be written: no such file or directory (ENOENT)` });
    expect(() => openAtomicFile(file)).toThrow(`${file}: cannot be written: no such file or directory (ENOENT)`);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("openAtomicFile", () => {
  it("streams into a hidden temporary file that appears under the final name only on commit", () => {
    const dir = scratch();
    const file = join(dir, "table.parquet");
    const atomic = openAtomicFile(file);
    atomic.write(new Uint8Array([1, 2]));
    atomic.write(new Uint8Array([3]));
    expect(readdirSync(dir)).toEqual([atomic.temporaryPath.slice(dir.length + 1)]);
    atomic.commit();
    expect([...readFileSync(file)]).toEqual([1, 2, 3]);
    expect(readdirSync(dir)).toEqual(["table.parquet"]);
    expect(() => atomic.write(new Uint8Array([4]))).toThrow(/committed/);
  });

  it("abort discards the bytes and keeps an existing file", () => {
    const dir = scratch();
    const file = join(dir, "table.parquet");
    writeFileSync(file, "kept");
    const atomic = openAtomicFile(file);
    atomic.write(new Uint8Array([9]));
    atomic.abort();
    atomic.abort();
    expect(readFileSync(file, "utf8")).toBe("kept");
    expect(readdirSync(dir)).toEqual(["table.parquet"]);
  });

  it("names temporary files after the target, host and process", () => {
    const path = temporaryPathFor("/data/0/stoks.parquet");
    expect(path).toMatch(new RegExp(`^/data/0/\\.stoks\\.parquet\\.[A-Za-z0-9_-]+\\.${process.pid}\\.\\d+\\.tmp$`));
    expect(temporaryPathFor("/data/0/stoks.parquet")).not.toBe(path);
  });
});
