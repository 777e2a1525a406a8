import { Command, CommanderError } from "commander";

import { registerExportCommand } from "../commands/export.js";
import { registerTrainCommand } from "../commands/train.js";
import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";

/**
 * Runs `autosing train …` or `autosing export …` in this process (no child process, no shell)
 * and returns what it printed on stdout; its stderr lines go to `log`. The demo drives training
 * through the command so that it runs exactly what a user's `autosing train` runs (task
 * preparation, backend choice, checkpoints, the saved model directory).
 */
export async function runInProcess(args: readonly string[], log: (text: string) => void): Promise<string> {
  const stdout: string[] = [];
  const io = { stdout: (text: string) => stdout.push(text), stderr: log };
  const program = new Command("autosing").exitOverride().configureOutput({ writeOut: io.stdout, writeErr: log });
  registerTrainCommand(program, io);
  registerExportCommand(program, io);
  try {
    await program.parseAsync([...args], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) throw new CliError(`autosing demo: \`autosing ${args.join(" ")}\` failed (${error.message})`, ExitCode.internalError);
    throw error;
  }
  return stdout.join("");
}
