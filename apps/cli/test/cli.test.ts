import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { describe, expect, it } from "vitest";

import { ExitCode, NOT_IMPLEMENTED_EXIT_CODE, runCli } from "../src/index.js";

const binPath = fileURLToPath(new URL("../dist/bin.js", import.meta.url));
const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
  .version;

/** Runs the built binary the way a user does, so the shebang, ESM loading and exit codes are real. */
function autosing(...args: string[]) {
  const result = spawnSync(process.execPath, [binPath, ...args], { encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("autosing binary", () => {
  it("lists the whole command tree in --help", () => {
    const { code, stdout } = autosing("--help");
    expect(code).toBe(0);
    for (const command of [
      "process",
      "construct-dataset",
      "train",
      "export",
      "sing",
      "serve",
      "worker",
      "dataset",
      "codec",
      "align",
      "corpus",
    ]) {
      expect(stdout).toMatch(new RegExp(`^\\s+${command}\\b`, "m"));
    }
  });

  it("prints the package version", () => {
    const { code, stdout } = autosing("--version");
    expect(code).toBe(0);
    expect(stdout.trim()).toBe(version);
  });

  it("rejects an unknown command with usage on stderr", () => {
    const { code, stdout, stderr } = autosing("nonsense");
    expect(code).toBe(ExitCode.usage);
    expect(stdout).toBe("");
    expect(stderr).toContain("unknown command 'nonsense'");
    expect(stderr).toContain("autosing --help");
  });

  it("rejects an unknown flag with usage on stderr", () => {
    const { code, stderr } = autosing("--frobnicate");
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain("unknown option '--frobnicate'");
  });

  it("rejects an unknown subcommand of a command group", () => {
    const { code, stderr } = autosing("codec", "explode");
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain("unknown command 'explode'");
  });

  it("fails a missing required argument", () => {
    const { code, stderr } = autosing("export");
    expect(code).toBe(ExitCode.usage);
    expect(stderr).toContain("missing required argument");
  });
});

describe("runCli", () => {
  it("reports a planned command as not implemented, in one line, with a non-zero code", async () => {
    const stderr: string[] = [];
    const code = await runCli(["serve"], { stdout: () => {}, stderr: (t) => stderr.push(t) });
    expect(code).toBe(NOT_IMPLEMENTED_EXIT_CODE);
    expect(stderr.join("")).toBe("autosing serve: not implemented yet.\n");
  });
});
