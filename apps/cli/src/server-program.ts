/**
 * `autosing serve` and `autosing worker` on a command tree of their own: a server should answer
 * within 2 s of its start, and the full tree (program.ts) imports every package of the workflow
 * (≈1.3 s on a quiet 2-core machine, more under load) before it parses a flag. bin.ts sends
 * these two commands here; everything else, the whole tree's `--help` included, goes to runCli.
 */
import { registerServeCommand } from "./commands/serve.js";
import { registerWorkerCommand } from "./commands/worker.js";
import type { CliIo } from "./io.js";
import { processIo } from "./io.js";
import { createRootCommand, runProgram } from "./root-command.js";

/** The first arguments bin.ts sends to `runServerCommand`. */
export const SERVER_COMMANDS: readonly string[] = ["serve", "worker"];

export async function runServerCommand(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createRootCommand(io);
  registerServeCommand(program, io);
  registerWorkerCommand(program, io);
  return runProgram(program, argv, io);
}
