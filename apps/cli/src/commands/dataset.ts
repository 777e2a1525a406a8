import { join } from "node:path";

import { type DatasetInfo, datasetInfo } from "@autosing/parquet-io";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import type { CliIo } from "../io.js";
import { asUserError } from "../shared/user-errors.js";

function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((row) => (row[c] ?? "").length))) ?? [];
  return rows.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c] ?? 0) : cell.padStart(widths[c] ?? 0))).join("  ").trimEnd()).join("\n");
}

/** The human-readable form of `dataset info`. */
export function formatDatasetInfo(info: DatasetInfo): string {
  const lines = [`${info.dir}: ${info.partitions.length} partitions, ${formatBytes(info.bytes)} on disk`];
  if (info.steps.length > 0) {
    lines.push(
      "",
      table([
        ["step", "partitions", "rows", "bytes", "complete"],
        ...info.steps.map((s) => [s.step, `${s.partitions}/${info.partitions.length}`, String(s.rows), formatBytes(s.bytes), s.complete ? "yes" : "no"]),
      ]),
    );
  }
  const unreadable = info.partitions.flatMap((p) => p.steps.filter((s) => s.error !== undefined).map((s) => `  ${p.partition}/${s.step}.parquet: ${s.error}`));
  if (unreadable.length > 0) lines.push("", "unreadable files:", ...unreadable);
  return `${lines.join("\n")}\n`;
}

/** `autosing dataset`: inspect partitioned datasets. */
export function registerDatasetCommands(program: Command, io: CliIo): void {
  const dataset = program.command("dataset").description("inspect partitioned datasets");
  dataset
    .command("info")
    .description("partitions, rows per step table, completed steps and bytes on disk; exits 4 naming the first step table that cannot be read (bytes or columns)")
    .argument("<dir>", "dataset folder <dir>/<n>/<step>.parquet")
    .option("--json", "print JSON instead of a table", false)
    .action(async (dir: string, flags: { json: boolean }) => {
      let info: DatasetInfo;
      try {
        info = await datasetInfo(dir);
      } catch (error) {
        throw asUserError("dataset info", error);
      }
      io.stdout(flags.json ? `${JSON.stringify(info, null, 2)}\n` : formatDatasetInfo(info));
      // The summary is printed either way; a table that cannot be read still fails the run, naming the first.
      const unreadable = info.partitions.flatMap((p) => p.steps.filter((s) => s.error !== undefined).map((s) => ({ file: join(dir, String(p.partition), `${s.step}.parquet`), error: s.error })));
      const [first] = unreadable;
      if (first !== undefined) {
        const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more, listed above)` : "";
        throw new CliError(`autosing dataset info: ${first.file}: ${first.error}${more}`, ExitCode.badInput);
      }
    });
}
