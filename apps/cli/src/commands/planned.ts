import type { Command } from "commander";

import { NotImplementedError } from "../errors.js";

/**
 * A command of the planned tree whose implementation has not landed yet. It parses its
 * arguments like the real one will (so `--help` documents it) and then fails loudly.
 */
export interface PlannedCommand {
  /** Command path below `autosing`, e.g. `"sing"` or `"codec encode"` (subcommands are nested). */
  name: string;
  /** Positional arguments in commander syntax, e.g. `"<audio>"`. */
  args?: string;
  summary: string;
  /** The issue that tracks it, when one is filed. */
  issue?: number;
  allowUnknownOptions?: boolean;
}

export function addPlannedCommand(parent: Command, planned: PlannedCommand): Command {
  const leafName = planned.name.split(" ").at(-1) ?? planned.name;
  const command = parent
    .command(planned.args ? `${leafName} ${planned.args}` : leafName)
    .description(`${planned.summary} [not implemented yet${planned.issue === undefined ? "" : `: issue #${planned.issue}`}]`);
  if (planned.allowUnknownOptions) command.allowUnknownOption(true);
  command.action(() => {
    throw new NotImplementedError(planned.name, planned.issue);
  });
  return command;
}
