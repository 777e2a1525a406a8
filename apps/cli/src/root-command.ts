/**
 * The `autosing` root command and the one way a command tree is run, shared by the full tree
 * (program.ts) and the server's own light tree (server-program.ts). Imports no library package:
 * the exit-code table is loaded only when a run fails.
 */
import { createRequire } from "node:module";

import { Command } from "commander";

import { ExitCode } from "./exit-code.js";
import type { CliIo } from "./io.js";

const packageJson = createRequire(import.meta.url)("../package.json") as { version: string };

export function createRootCommand(io: CliIo): Command {
  return new Command("autosing")
    .description("Lyrics plus a reference song in, new singing over its accompaniment out.")
    .version(packageJson.version, "-V, --version", "print the autosing version")
    .showHelpAfterError("(run `autosing --help` for usage)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();
}

/** The command's name as a user typed it (`dataset info`, `train artists`), without `autosing`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(" ");
}

/**
 * Parses `argv` with `program` and resolves to the process exit code; never throws. Every
 * failure goes through `reportFailure`, which takes the code from the exit-code table.
 */
export async function runProgram(program: Command, argv: readonly string[], io: CliIo): Promise<number> {
  // Library errors that reach this point are reported under the command that was running.
  let running: string | undefined;
  program.hook("preAction", (_program, actionCommand) => {
    running = commandPath(actionCommand);
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.success;
  } catch (error) {
    const { reportFailure } = await import("./shared/user-errors.js");
    return reportFailure(error, io, running);
  }
}
