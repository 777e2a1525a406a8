/**
 * The hostile cases that need `autosing` as a real process (issue #17): SIGINT and SIGTERM to a
 * running step (exit 130, nothing half-written, a rerun completes), a kill -9 mid-write followed
 * by a rerun that completes and removes the dead process's temporaries, and permission cases run
 * as an unprivileged user (`setpriv --reuid=nobody`, since CI runs as root): a read-only output
 * folder for each command that writes one, and inputs that may not be read. Kept few: each starts
 * a Node process.
 */
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { decodeAudio, firstChannel, fitDefaultCodec, serializeDefaultCodec } from "@autosing/audio-codec";
import { temporaryHostName } from "@autosing/base";
import { writeTestCorpus } from "@autosing/song-corpus";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { ExitCode, runCli } from "../../src/index.js";
import { startCli, unprivileged } from "./child-process.js";
import { toneWav } from "./hostile-files.js";

const root = mkdtempSync(join(tmpdir(), "autosing-hostile-processes-"));
const fixtures = join(root, "fixtures");
let corpus = "";
const wav = join(fixtures, "tone.wav");
const codec = join(fixtures, "codec.json");
/** The unprivileged user's HOME: onnxruntime warns on stderr when it cannot write there. */
const home = join(root, "home");

beforeAll(async () => {
  corpus = join(fixtures, "corpus");
  mkdirSync(corpus, { recursive: true });
  // Enough songs that a step is still running after its first row.
  await writeTestCorpus(corpus, { songs: 3, seconds: 9, seed: 7 });
  writeFileSync(wav, toneWav());
  const clip = firstChannel(await decodeAudio(readFileSync(wav)));
  writeFileSync(codec, await serializeDefaultCodec(await fitDefaultCodec([clip], { config: { codebookSize: 4 }, iterations: 1, seed: 1, search: "js", maxTrainingVectors: 200 }), "json"));
  mkdirSync(home);
  chmodSync(home, 0o777);
}, 120_000);

afterAll(() => {
  // Permission cases leave folders without write or read permission: give them back so they can be removed.
  chmodTree(root);
  rmSync(root, { recursive: true, force: true });
});

function chmodTree(dir: string): void {
  chmodSync(dir, 0o755);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) chmodTree(path);
    else chmodSync(path, 0o644);
  }
}

let counter = 0;
/** A fresh dataset folder holding a copy of the corpus's partition 0 index. */
function freshDataset(): string {
  const dataset = join(root, `dataset-${++counter}`);
  mkdirSync(join(dataset, "0"), { recursive: true });
  copyFileSync(join(corpus, "0", "index.parquet"), join(dataset, "0", "index.parquet"));
  return dataset;
}

/** Names in `<dataset>/0` other than the index. */
function partitionFiles(dataset: string): string[] {
  return readdirSync(join(dataset, "0")).filter((name) => name !== "index.parquet").sort();
}

const quiet = { stdout: () => undefined, stderr: () => undefined };

describe("signals and kills", () => {
  // SIGTERM takes the same handler (interrupt.ts); one signal keeps the suite short.
  for (const signal of ["SIGINT"] as const) {
    it(`${signal} to a running \`process align\`: exit 130, nothing half-written, and a rerun completes`, async () => {
      const dataset = freshDataset();
      const run = startCli(["process", "align", dataset, "0", "--progress"]);
      await run.waitForStderr(/align partition 0: row 1\/3/);
      run.child.kill(signal);
      const { code } = await run.exited;
      expect({ code, stderr: run.stderr() }).toMatchObject({ code: ExitCode.interrupted });
      expect(run.stderr(), run.stderr()).toMatch(new RegExp(`^autosing: interrupted by ${signal}; (removed \\d+ unfinished files?|no unfinished files were left); .*run the command again`, "m"));
      expect(run.stderr()).not.toMatch(/^\s+at /m);
      expect(partitionFiles(dataset)).toEqual([]);
      expect(await runCli(["process", "align", dataset, "0"], quiet)).toBe(ExitCode.success);
      expect(partitionFiles(dataset)).toEqual(["alignment.parquet"]);
    }, 60_000);
  }

  it("kill -9 mid-write, then a rerun completes and removes the dead process's temporary file", async () => {
    const dataset = freshDataset();
    const run = startCli(["process", "align", dataset, "0", "--progress"]);
    await run.waitForStderr(/align partition 0: row 1\/3/);
    run.child.kill("SIGKILL");
    expect((await run.exited).signal).toBe("SIGKILL");
    const pid = run.child.pid!;
    // What a killed writer leaves: its temporary file, named after its host and pid, and no output.
    expect(partitionFiles(dataset)).toEqual([expect.stringMatching(new RegExp(`^\\.alignment\\.parquet\\.${temporaryHostName()}\\.${pid}\\.\\d+\\.tmp$`))]);
    expect(await runCli(["process", "align", dataset, "0"], quiet)).toBe(ExitCode.success);
    expect(partitionFiles(dataset)).toEqual(["alignment.parquet"]);
  }, 60_000);
});

const as = unprivileged();

/** A permission case: files it prepares under a folder the unprivileged user may enter, the command, the path stderr must name. */
interface PermissionCase {
  readonly name: string;
  readonly setup: (dir: string) => Promise<void> | void;
  readonly args: (dir: string) => string[];
  readonly culprit: (dir: string) => string;
}

const readOnly = (path: string) => chmodSync(path, 0o555);

const PERMISSION_CASES: readonly PermissionCase[] = [
  {
    name: "process align: a read-only partition folder",
    setup: (dir) => {
      mkdirSync(join(dir, "ds", "0"), { recursive: true });
      copyFileSync(join(corpus, "0", "index.parquet"), join(dir, "ds", "0", "index.parquet"));
      readOnly(join(dir, "ds", "0"));
    },
    args: (dir) => ["process", "align", join(dir, "ds"), "0", "--num", "1"],
    culprit: (dir) => join(dir, "ds", "0"),
  },
  {
    name: "process align: an index.parquet that may not be read",
    setup: (dir) => {
      mkdirSync(join(dir, "ds", "0"), { recursive: true });
      copyFileSync(join(corpus, "0", "index.parquet"), join(dir, "ds", "0", "index.parquet"));
      chmodSync(join(dir, "ds", "0", "index.parquet"), 0o000);
      // The output may be written: the index is the problem.
      chmodSync(join(dir, "ds", "0"), 0o777);
    },
    args: (dir) => ["process", "align", join(dir, "ds"), "0"],
    culprit: (dir) => join(dir, "ds", "0", "index.parquet"),
  },
  {
    name: "dataset info: a dataset folder that may not be read",
    setup: (dir) => {
      mkdirSync(join(dir, "ds", "0"), { recursive: true });
      chmodSync(join(dir, "ds"), 0o000);
    },
    args: (dir) => ["dataset", "info", join(dir, "ds")],
    culprit: (dir) => join(dir, "ds"),
  },
  {
    name: "construct-dataset: a read-only output folder",
    setup: (dir) => {
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => ["construct-dataset", corpus, "1", join(dir, "out"), "--num-out-partitions", "0"],
    culprit: (dir) => join(dir, "out"),
  },
  {
    name: "export: a read-only output folder",
    setup: (dir) => {
      writeFileSync(join(dir, "ck.safetensors"), "never read: the output is checked first");
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => ["export", join(dir, "ck.safetensors"), join(dir, "out", "t2s")],
    culprit: (dir) => join(dir, "out"),
  },
  {
    name: "codec fit: --out in a read-only folder",
    setup: (dir) => {
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => ["codec", "fit", wav, "--out", join(dir, "out", "codec.json"), "--codebook-size", "4", "--iterations", "1"],
    culprit: (dir) => join(dir, "out", "codec.json"),
  },
  {
    name: "codec encode: a read-only output folder",
    setup: (dir) => {
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => ["codec", "encode", wav, join(dir, "out", "tokens.json"), "--codec", `default:${codec}`],
    culprit: (dir) => join(dir, "out", "tokens.json"),
  },
  {
    name: "codec encode: an audio file that may not be read",
    setup: (dir) => {
      copyFileSync(wav, join(dir, "tone.wav"));
      chmodSync(join(dir, "tone.wav"), 0o000);
    },
    args: (dir) => ["codec", "encode", join(dir, "tone.wav"), join(dir, "tokens.json"), "--codec", `default:${codec}`],
    culprit: (dir) => join(dir, "tone.wav"),
  },
  {
    // The output folder is checked before any model is opened, so the model flags need not hold models.
    name: "sing: a read-only --output-dir",
    setup: (dir) => {
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => {
      const models = ["--t2s-model", "--sm2a-model", "--artist-model"].flatMap((flag) => [flag, join(dir, "no-model")]);
      return ["sing", wav, ...models, "--codec", `default:${codec}`, "--vocals", wav, "--instrumental", wav, "--lyrics", "la\\nla", "--length", "1.6", "--output-dir", join(dir, "out", "songs")];
    },
    culprit: (dir) => join(dir, "out"),
  },
  {
    name: "corpus make: a read-only output folder",
    setup: (dir) => {
      mkdirSync(join(dir, "out"));
      readOnly(join(dir, "out"));
    },
    args: (dir) => ["corpus", "make", join(dir, "out", "corpus"), "--songs", "1", "--seconds", "9", "--no-progress"],
    culprit: (dir) => join(dir, "out"),
  },
];

describe("permissions, as an unprivileged user", () => {
  if ("skip" in as) {
    it.skip(`skipped: ${as.skip}`, () => undefined);
    return;
  }
  for (const hostile of PERMISSION_CASES) {
    it(`${hostile.name}: exit 6 naming the path`, async () => {
      const dir = join(root, `permission-${++counter}`);
      mkdirSync(dir);
      await hostile.setup(dir);
      // The unprivileged user enters the case's folder (and the corpus) but owns nothing in it.
      chmodSync(root, 0o755);
      chmodSync(dir, 0o755);
      const run = startCli(hostile.args(dir), { cwd: dir, prefix: as.prefix, env: { ...process.env, HOME: home } });
      const { code } = await run.exited;
      const stderr = run.stderr();
      expect({ code, stderr }).toMatchObject({ code: ExitCode.fileSystem });
      expect(stderr).not.toMatch(/^\s+at /m);
      const lines = stderr.split("\n").filter((line) => line.trim() !== "");
      expect(lines, "the failure is one stderr line").toHaveLength(1);
      expect(lines[0]).toContain(hostile.culprit(dir));
      chmodTree(dir);
      expect(readdirSync(dir, { recursive: true }).filter((name) => /\.tmp$/.test(String(name)))).toEqual([]);
    }, 60_000);
  }
});
