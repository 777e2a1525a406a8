import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing export`: planned; the implementation replaces this registration. */
export function registerExportCommand(program: Command, _io: CliIo): void {
  addPlannedCommand(program, {
    name: "export",
    args: "<checkpoint> <out_dir>",
    summary: "export a trained checkpoint to ONNX encoder/decoder graphs plus config",
    issue: 7,
  });
}
