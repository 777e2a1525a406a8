/**
 * The hostile-input suite's case type and its checks. A case runs `autosing <args>` in this
 * process (runCli) in a fresh scratch folder and must end with its exit code, name its culprit
 * (file, flag or row) on one stderr line without a stack trace, leave no `.tmp` file in the scratch
 * folder and change nothing outside it (the shared fixtures and the working directory are
 * snapshotted around the run).
 */
import { mkdirSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

import { expect } from "vitest";

import { runCli } from "../../src/index.js";

/** What cases share: the fixtures built once in `beforeAll`. */
export interface SharedFixtures {
  /** Read-only folder of everything below. */
  readonly root: string;
  /** A processed one-song corpus: `<corpus>/0/index.parquet` plus its truth tables. */
  readonly corpus: string;
  /** A valid 1 s 32 kHz WAV and an LRC/lyrics file that fit it. */
  readonly wav: string;
  readonly lrc: string;
  readonly lyrics: string;
  /** `default:<codec.json>` of a small fitted default codec (16 codes). */
  readonly codec: string;
  /** `--t2s-model … --sm2a-model … --artist-model … --codec …` of tiny random models. */
  readonly singModels: readonly string[];
}

export interface CaseContext {
  readonly fx: SharedFixtures;
  /** The case's own empty folder: inputs it writes and every output go here. */
  readonly scratch: string;
}

export interface HostileCase {
  /** `<command>: <what is hostile>`, the test's title. */
  readonly name: string;
  /** Writes the case's inputs into its scratch folder. */
  readonly setup?: (context: CaseContext) => Promise<void> | void;
  readonly args: (context: CaseContext) => string[];
  readonly code: number;
  /** Must match one stderr line (the culprit named); omitted for successful runs. */
  readonly culprit?: RegExp;
  /** Per-row reports write a line per bad row plus a summary: more than one line is allowed. */
  readonly manyLines?: boolean;
  /** Still wrong on this branch (another slice of issue #17 fixes it): runs as `it.fails`, with why. */
  readonly knownBroken?: string;
}

/** Every file under `dir` with its size and modification time, relative paths; skips node_modules. */
export function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      if (entry.name === "node_modules" || entry.name === ".turbo") continue;
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        out.set(relative(dir, path), `${stat.size}:${stat.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return out;
}

/** Temporary and half-written files a run must not leave behind. */
function leftovers(dir: string): string[] {
  return [...snapshot(dir).keys()].filter((path) => /\.tmp($|\.)|\.partial$|\.tmp-/.test(path));
}

/**
 * Lines a run prints on stderr besides its failure, by design: commander's usage hint after a usage
 * error, the training backend `train` picked, and `sing`'s per-stage timings. They are not part of
 * the failure, so "one line" counts the others.
 */
const INFO_LINES: readonly RegExp[] = [/^\(run `autosing --help` for usage\)$/, /^tfjs backend: /, /^autosing sing: \w+ \d+\.\d\d s$/];

let counter = 0;

/** Runs one case and checks every promise of the suite. */
export async function runCase(hostile: HostileCase, fx: SharedFixtures, scratchRoot: string): Promise<void> {
  const scratch = join(scratchRoot, `case-${++counter}`);
  mkdirSync(scratch, { recursive: true });
  const context = { fx, scratch };
  await hostile.setup?.(context);
  const watched = [fx.root, process.cwd()];
  const before = watched.map(snapshot);
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(hostile.args(context), { stdout: (t) => stdout.push(t), stderr: (t) => stderr.push(t) });
  const err = stderr.join("");
  const lines = err.split("\n").filter((line) => line.trim() !== "" && !INFO_LINES.some((info) => info.test(line)));

  expect(err, "a stack trace on stderr").not.toMatch(/^\s+at /m);
  expect({ code, stderr: err }).toMatchObject({ code: hostile.code });
  if (hostile.culprit !== undefined) {
    expect(lines.some((line) => hostile.culprit!.test(line)), `no stderr line names ${hostile.culprit}:\n${err}${stdout.join("")}`).toBe(true);
    if (hostile.manyLines !== true) expect(lines, "the failure is one stderr line").toHaveLength(1);
  } else if (code === 0) {
    expect(err).toBe("");
  }
  expect(leftovers(scratch), "temporary files left in the output").toEqual([]);
  for (const [i, dir] of watched.entries()) expect(snapshot(dir), `files changed outside the case's folder, in ${dir}`).toEqual(before[i]);
}
