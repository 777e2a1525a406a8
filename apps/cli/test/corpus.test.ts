import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { indexTable, readTable } from "@autosing/parquet-io";
import { truthTable } from "@autosing/song-corpus";
import { afterAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "autosing-corpus-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

describe("autosing corpus make", () => {
  it("writes a partitioned corpus with a progress bar, byte-identical for the same seed", async () => {
    const a = join(dir, "a");
    const b = join(dir, "b");
    const args = ["--songs", "2", "--partitions", "2", "--seed", "3", "--seconds", "9", "--format", "wav"];
    const first = await cli("corpus", "make", a, ...args, "--jobs", "1");
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^wrote 2 songs \(9 s each\) in 2 partition\(s\) to /);
    expect(first.stderr).toContain("2/2 songs");
    expect(first.stderr).toContain("[##############################]");
    // Two worker threads render the same bytes as one thread.
    const second = await cli("corpus", "make", b, ...args, "--jobs", "2", "--no-progress");
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toBe("");
    for (const file of ["0/index.parquet", "0/truth.parquet", "1/index.parquet", "1/truth.parquet"]) {
      expect(readFileSync(join(a, file)).equals(readFileSync(join(b, file))), file).toBe(true);
    }
    const rows = await readTable(join(a, "1", "index.parquet"), indexTable);
    expect(rows.map((r) => r.id)).toEqual(["synth-3-00001"]);
    expect(rows[0]!.lrc_lyrics).toMatch(/^\[\d\d:\d\d\.\d\d\]/);
    const truth = await readTable(join(a, "1", "truth.parquet"), truthTable);
    expect(truth[0]!.word_starts.length).toBeGreaterThan(2);
  }, 300_000);

  it("rejects bad options with one line on stderr", async () => {
    const bad = await cli("corpus", "make", join(dir, "c"), "--songs", "two");
    expect(bad.code).toBe(ExitCode.usage);
    expect(bad.stderr).toBe('autosing corpus make: --songs must be an integer in 1..100000, got "two"\n');
    const short = await cli("corpus", "make", join(dir, "c"), "--seconds", "4");
    expect(short.code).toBe(ExitCode.usage);
    expect(short.stderr).toContain("--seconds must be a number in 9..3600");
    // Huge values are refused at once instead of running until killed.
    const long = await cli("corpus", "make", join(dir, "c"), "--seconds", "1e9");
    expect([long.code, long.stderr]).toEqual([ExitCode.usage, 'autosing corpus make: --seconds must be a number in 9..3600, got "1e9"\n']);
    const many = await cli("corpus", "make", join(dir, "c"), "--songs", "1e9");
    expect([many.code, many.stderr]).toEqual([ExitCode.usage, 'autosing corpus make: --songs must be an integer in 1..100000, got "1e9"\n']);
    const partitions = await cli("corpus", "make", join(dir, "c"), "--songs", "1", "--partitions", "2");
    expect(partitions.code).toBe(ExitCode.usage);
    expect(partitions.stderr).toContain("must not exceed --songs");
  });
});
