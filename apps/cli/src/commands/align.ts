import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing align`: planned; the implementation replaces this registration. */
export function registerAlignCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "align",
    args: "<audio>",
    summary: "align lyrics (--lrc F | --lyrics F) to audio and print word and line spans",
    issue: 8,
    allowUnknownOptions: true,
  });
}
