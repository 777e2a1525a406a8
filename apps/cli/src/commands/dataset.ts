import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing dataset`: planned; the implementation replaces this registration. */
export function registerDatasetCommands(program: Command, _io: CliIo): void {
  const dataset = program.command("dataset").description("inspect partitioned datasets");
  addPlannedCommand(dataset, {
    name: "dataset info",
    args: "<dir>",
    summary: "partitions, rows per step table, completed steps and bytes on disk",
    issue: 3,
    allowUnknownOptions: true,
  });
}
