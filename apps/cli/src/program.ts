import { createRequire } from "node:module";

import { Command } from "commander";

import { registerAlignCommand } from "./commands/align.js";
import { registerCodecCommands } from "./commands/codec.js";
import { registerConstructDatasetCommand } from "./commands/construct-dataset.js";
import { registerCorpusCommands } from "./commands/corpus.js";
import { registerDatasetCommands } from "./commands/dataset.js";
import { registerDemoCommand } from "./commands/demo.js";
import { registerExportCommand } from "./commands/export.js";
import { registerImportCommand } from "./commands/import.js";
import { registerModelsCommand } from "./commands/models.js";
import { registerProcessCommand } from "./commands/process.js";
import { registerServeCommand } from "./commands/serve.js";
import { registerSingCommand } from "./commands/sing.js";
import { registerTrainCommand } from "./commands/train.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { ExitCode } from "./exit-codes.js";
import { processIo } from "./io.js";
import type { CliIo } from "./io.js";
import { reportFailure } from "./shared/user-errors.js";

const packageJson = createRequire(import.meta.url)("../package.json") as { version: string };

/**
 * Builds the `autosing` command tree. Commands whose issues have not landed are registered
 * as planned commands: they show in `--help` and exit non-zero with a one-line message.
 */
export function createProgram(io: CliIo = processIo): Command {
  const program = new Command("autosing")
    .description("Lyrics plus a reference song in, new singing over its accompaniment out.")
    .version(packageJson.version, "-V, --version", "print the autosing version")
    .showHelpAfterError("(run `autosing --help` for usage)")
    .showSuggestionAfterError(true)
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .exitOverride();

  // One module per command area, so each lands with its issue without touching the others.
  registerProcessCommand(program, io);
  registerConstructDatasetCommand(program, io);
  registerTrainCommand(program, io);
  registerExportCommand(program, io);
  registerSingCommand(program, io);
  registerServeCommand(program, io);
  registerWorkerCommand(program, io);
  registerDatasetCommands(program, io);
  registerCodecCommands(program, io);
  registerAlignCommand(program, io);
  registerCorpusCommands(program, io);
  registerImportCommand(program, io);
  registerModelsCommand(program, io);
  registerDemoCommand(program, io);
  return program;
}

/** The command's name as a user typed it (`dataset info`, `train artists`), without `autosing`. */
function commandPath(command: Command): string {
  const names: string[] = [];
  for (let current: Command | null = command; current?.parent; current = current.parent) names.unshift(current.name());
  return names.join(" ");
}

/**
 * Runs the CLI and resolves to the process exit code; never throws. Every failure goes through
 * `reportFailure`, which takes the code from the exit-code table (exit-codes.ts).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  // Library errors that reach this point are reported under the command that was running.
  let running: string | undefined;
  program.hook("preAction", (_program, actionCommand) => {
    running = commandPath(actionCommand);
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
    return ExitCode.success;
  } catch (error) {
    return reportFailure(error, io, running);
  }
}
