import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import {
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  makeAlignment,
  mainTable,
  readTable,
  stepPath,
  stoksTable,
  writeTable,
} from "@autosing/parquet-io";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../src/index.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "cli-construct-"));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

/** Words of 0.8 s every second over the whole 30 s, so both 15 s halves pass the cover filter. */
const alignment = makeAlignment({
  starts: Array.from({ length: 30 }, (_, i) => i + 0.1),
  ends: Array.from({ length: 30 }, (_, i) => i + 0.9),
  scores: new Array<number>(30).fill(0),
  tokens: new Array<number>(30).fill(3),
  words: Array.from({ length: 30 }, (_, i) => `w${i}`),
  lines: ["all"],
  tokens_per_word: new Array<number>(30).fill(1),
  words_per_line: [30],
});

async function writePartition(data: string, p: number, ids: string[]): Promise<void> {
  const atoks = ids.map((id) => ({ id, values: Int32Array.from({ length: 4 * 2496 }, (_, i) => i % 4096) }));
  await writeTable(stepPath(data, p, "atoks_vocals_snac_32khz"), atoksTable("vocals"), atoks);
  await writeTable(stepPath(data, p, "atoks_no_vocals_snac_32khz"), atoksTable("no_vocals"), atoks);
  await writeTable(stepPath(data, p, "stoks"), stoksTable, ids.map((id) => ({ id, values: new Int32Array(750) })));
  await writeTable(stepPath(data, p, "artist_embs"), artistEmbsTable, ids.map((id) => ({ id, embs: new Float32Array(768) })));
  await writeTable(stepPath(data, p, "chunked"), chunkedTable, ids.map((id) => ({ id, audio: new Uint8Array(4), alignment })));
}

async function run(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe("autosing construct-dataset", () => {
  it("builds split 15 s partitions and reports what it wrote", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a_at_0", "b_at_0", "c_at_0"]);
    await writePartition(data, 1, ["d_at_30"]);
    const out = join(dir, "out");
    const { code, stdout, stderr } = await run("construct-dataset", data, "2", out, "--num-out-partitions", "1", "--split", "--seed", "3");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).toContain("joined 4 rows from 2 of 2 partitions; 8 rows after split and cover filter");
    expect(stdout).toContain("wrote 2 partitions of 4 rows");
    expect((await readdir(out)).sort()).toEqual(["0", "1"]);
    const rows = await readTable(stepPath(out, 0, "main"), mainTable());
    expect(rows).toHaveLength(4);
    expect(rows[0]!.atoks.length).toBe(4 * 1248);
    expect(rows[0]!.stoks.length).toBe(375);
    expect(rows[0]!.embs.length).toBe(256);
  });

  it("writes unsplit rows under another name", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a", "b"]);
    const out = join(dir, "out");
    const { code } = await run("construct-dataset", data, "1", out, "--num-out-partitions", "0", "--name", "full");
    expect(code).toBe(0);
    const rows = await readTable(stepPath(out, 0, "full"), mainTable("full"));
    expect(rows.map((r) => r.id).sort()).toEqual(["a", "b"]);
    expect(rows[0]!.atoks.length).toBe(4 * 2496);
  });

  it("completes the readable partitions, then exits non-zero with a summary naming the file", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a", "b"]);
    await writePartition(data, 2, ["c"]);
    await rm(stepPath(data, 2, "stoks"));
    const out = join(dir, "out");
    const { code, stdout, stderr } = await run("construct-dataset", data, "3", out, "--num-out-partitions", "0");
    expect(code).toBe(ExitCode.badInput);
    expect(stdout).toContain("joined 2 rows from 1 of 3 partitions");
    expect(stderr).toContain("2 of 3 input partitions failed");
    expect(stderr).toMatch(/partition 1: .*1\/atoks_no_vocals_snac_32khz\.parquet: cannot open/);
    expect(stderr).toMatch(/partition 2: .*2\/stoks\.parquet: cannot open/);
    const rows = await readTable(stepPath(out, 0, "main"), mainTable());
    expect(rows.map((r) => r.id).sort()).toEqual(["a", "b"]);
  });

  it("refuses more output partitions than rows, naming a --num-out-partitions that works, and writes nothing", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a", "b", "c", "d", "e", "f"]);
    const out = join(dir, "out");
    const plain = await run("construct-dataset", data, "1", out);
    expect(plain.code).toBe(ExitCode.usage);
    expect(plain.stderr).toMatch(/^autosing construct-dataset: --num-out-partitions 512: 513 output partitions .* at most 6 rows .*: use --num-out-partitions 5 or less\n$/);
    const split = await run("construct-dataset", data, "1", out, "--split", "--num-out-partitions", "12");
    expect(split.code).toBe(ExitCode.usage);
    expect(split.stderr).toContain("split gives at most 12 halves): use --num-out-partitions 11 or less");
    expect(split.stdout).toBe("");
    expect((await readdir(dir)).sort()).toEqual(["data"]);
    expect((await run("construct-dataset", data, "1", out, "--split", "--num-out-partitions", "11")).code).toBe(0);
  });

  it("refuses an earlier run without --force and replaces it with --force, stale partitions removed", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a", "b", "c", "d"]);
    const out = join(dir, "out");
    expect((await run("construct-dataset", data, "1", out, "--num-out-partitions", "3")).code).toBe(0);
    const again = await run("construct-dataset", data, "1", out, "--num-out-partitions", "1");
    expect(again.code).toBe(ExitCode.fileSystem);
    expect(again.stderr).toBe(
      `autosing construct-dataset: ${out}: holds 4 main.parquet partitions of an earlier run (0/main.parquet, 1/main.parquet, 2/main.parquet and 1 more); ` +
        "pass --force to replace them, or choose another folder or name\n",
    );
    const forced = await run("construct-dataset", data, "1", out, "--num-out-partitions", "1", "--force");
    expect(forced.code).toBe(0);
    expect((await readdir(out)).sort()).toEqual(["0", "1"]);
    expect((await readTable(stepPath(out, 0, "main"), mainTable())).map((r) => r.id)).toHaveLength(2);
  });

  it("refuses a --name that is a path, zero input partitions and an output path that is a file", async () => {
    const data = join(dir, "data");
    await writePartition(data, 0, ["a", "b"]);
    for (const name of ["../../escape", "a/b", ".."]) {
      const { code, stderr } = await run("construct-dataset", data, "1", join(dir, "out"), "--num-out-partitions", "0", "--name", name);
      expect(code).toBe(ExitCode.usage);
      expect(stderr).toContain("--name");
      expect(stderr).toContain(`got "${name}"`);
    }
    const zero = await run("construct-dataset", data, "0", join(dir, "out"));
    expect(zero.code).toBe(ExitCode.usage);
    expect(zero.stderr).toContain('expected a positive integer, got "0"');
    expect((await readdir(dir)).sort()).toEqual(["data"]);
    const file = join(dir, "file");
    await writeFile(file, "x");
    const onFile = await run("construct-dataset", data, "1", file, "--num-out-partitions", "0");
    expect(onFile.code).toBe(ExitCode.fileSystem);
    expect(onFile.stderr).toBe(`autosing construct-dataset: ${file}: exists and is not a folder; give a folder path for the output (it is created when missing)\n`);
  });

  it("rejects a non-numeric partition count", async () => {
    const { code, stderr } = await run("construct-dataset", dir, "many", join(dir, "out"));
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain('expected a positive integer, got "many"');
  });
});
