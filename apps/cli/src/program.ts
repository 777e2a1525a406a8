import type { Command } from "commander";

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
import { createRootCommand, runProgram } from "./root-command.js";
import { processIo } from "./io.js";
import type { CliIo } from "./io.js";

/**
 * Builds the `autosing` command tree. Commands whose issues have not landed are registered
 * as planned commands: they show in `--help` and exit non-zero with a one-line message.
 */
export function createProgram(io: CliIo = processIo): Command {
  const program = createRootCommand(io);

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

/**
 * Runs the CLI and resolves to the process exit code; never throws. Every failure goes through
 * `reportFailure`, which takes the code from the exit-code table (exit-codes.ts).
 */
export async function runCli(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  return runProgram(createProgram(io), argv, io);
}
