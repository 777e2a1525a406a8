import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing construct-dataset`: planned; the implementation replaces this registration. */
export function registerConstructDatasetCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "construct-dataset",
    args: "<data_dir> <num_in_partitions> <output_dir>",
    summary: "join step tables, optionally split 30 s rows, shuffle into training partitions",
    issue: 3,
    allowUnknownOptions: true,
  });
}
