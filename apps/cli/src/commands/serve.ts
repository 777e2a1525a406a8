import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing serve`: planned; the implementation replaces this registration. */
export function registerServeCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "serve",
    summary: "start the HTTP server with the sing page and the dataset viewer",
    allowUnknownOptions: true,
  });
}
