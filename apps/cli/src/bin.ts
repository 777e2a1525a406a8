#!/usr/bin/env node
import { installInterruptHandler } from "./interrupt.js";
import { processIo } from "./io.js";

installInterruptHandler(processIo);
const argv = process.argv.slice(2);
// The long-running commands start on their own light tree (server-program.ts); the rest on the full one.
const { SERVER_COMMANDS, runServerCommand } = await import("./server-program.js");
const run = SERVER_COMMANDS.includes(argv[0] ?? "") ? runServerCommand : (await import("./program.js")).runCli;
process.exitCode = await run(argv);
