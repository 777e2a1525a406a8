import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing sing`: planned; the implementation replaces this registration. */
export function registerSingCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "sing",
    args: "[reference]",
    summary: "sing two lines of lyrics over a reference song's accompaniment",
    allowUnknownOptions: true,
  });
}
