import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing train`: planned; the implementation replaces this registration. */
export function registerTrainCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "train",
    summary: "train t2s, sm2a or the artist embedder (upstream train.py flags)",
    issue: 5,
    allowUnknownOptions: true,
  });
}
