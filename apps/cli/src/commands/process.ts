import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing process`: planned; the implementation replaces this registration. */
export function registerProcessCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "process",
    args: "<step> <dataset> [partition]",
    summary: "run a dataset processing step (align, vad_extract, src_sep, atoks, stoks, artist_embs) on a partition",
    allowUnknownOptions: true,
  });
}
