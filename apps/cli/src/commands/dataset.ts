import { type DatasetInfo, datasetInfo } from "@autosing/parquet-io";
import type { Command } from "commander";

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
    .description("partitions, rows per step table, completed steps and bytes on disk")
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
    });
}
