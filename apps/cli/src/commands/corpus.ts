import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { addPlannedCommand } from "./planned.js";

/** `autosing corpus`: planned; the implementation replaces this registration. */
export function registerCorpusCommands(program: Command, _io: CliIo): void {
  const corpus = program.command("corpus").description("synthetic song corpus with ground truth");
  addPlannedCommand(corpus, {
    name: "corpus make",
    args: "<dir>",
    summary: "generate synthetic songs in the dataset layout (--songs N --partitions P --seed S)",
    issue: 6,
    allowUnknownOptions: true,
  });
}
