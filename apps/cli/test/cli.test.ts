import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

import { Command } from "commander";
import { describe, expect, it } from "vitest";

import { addPlannedCommand } from "../src/commands/planned.js";
import { NotImplementedError } from "../src/errors.js";
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
    const program = new Command().exitOverride();
    addPlannedCommand(program, { name: "someday", summary: "a command still planned", issue: 99 });
    const error = await program.parseAsync(["someday"], { from: "user" }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(NotImplementedError.isInstance(error)).toBe(true);
    expect((error as NotImplementedError).exitCode).toBe(NOT_IMPLEMENTED_EXIT_CODE);
    expect((error as Error).message).toBe("autosing someday: not implemented yet (tracked in issue #99).");
  });

  it("refuses serve on a non-loopback host without a token, naming the flag, with the usage code", async () => {
    const stderr: string[] = [];
    const code = await runCli(["serve", "--host", "0.0.0.0", "--port", "0", "--state", "unused-state"], { stdout: () => {}, stderr: (t) => stderr.push(t) });
    expect(code).toBe(2);
    expect(stderr.join("")).toMatch(/^autosing serve: --host: 0\.0\.0\.0 is reachable from other machines: give --token <secret>.* or --insecure/);
  });
});
