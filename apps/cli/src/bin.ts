#!/usr/bin/env node
import { installInterruptHandler } from "./interrupt.js";
import { processIo } from "./io.js";
import { runCli } from "./program.js";

installInterruptHandler(processIo);
process.exitCode = await runCli(process.argv.slice(2));
