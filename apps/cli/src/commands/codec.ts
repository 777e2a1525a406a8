import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing codec`: planned; the implementation replaces this registration. */
export function registerCodecCommands(program: Command, _io: CliIo): void {
  const codec = program.command("codec").description("acoustic codec tools");
  for (const verb of ["encode", "decode", "roundtrip"]) {
    addPlannedCommand(codec, {
      name: `codec ${verb}`,
      args: "<in> <out>",
      summary: `${verb} audio with a codec (--codec default:<file>|snac:<dir>)`,
      issue: 4,
      allowUnknownOptions: true,
    });
  }
  addPlannedCommand(codec, {
    name: "codec fit",
    args: "<inputs...>",
    summary: "fit the default codec's codebooks on audio files or a dataset",
    issue: 4,
    allowUnknownOptions: true,
  });
}
