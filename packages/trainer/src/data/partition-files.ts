import { stat } from "node:fs/promises";

import { type TableReader, type TableSchema, listPartitions, openTable, stepPath } from "@autosing/parquet-io";

import { DatasetError } from "../errors.js";

/** One step file of a partition (a "part" in upstream's words). */
export interface PartFile {
  file: string;
  rows: number;
  rowGroups: number;
}

/** A partition as the dataset reads it: its part files, concatenated in order (upstream `pd.concat`). */
export interface PartitionUnit {
  partition: number;
  parts: PartFile[];
  /** Rows over all parts. */
  rows: number;
}

export interface PartitionSelection {
  split: "train" | "val";
  /** Training partitions `partitionOffset + 1 … partitionOffset + numPartitions` (all from `partitionOffset + 1` when omitted). */
  numPartitions?: number | undefined;
  partitionOffset?: number | undefined;
}

/**
 * The partitions a split reads. Port of autosing/sm2a.py `load_dataset`: validation is partition
 * 0; training is `range(partition_offset + 1, num_partitions + partition_offset + 1)`, of which
 * only the partitions that exist are read (upstream would fail on a missing one).
 */
export function selectPartitions(available: readonly number[], selection: PartitionSelection): number[] {
  if (selection.split === "val") return available.filter((p) => p === 0);
  const offset = selection.partitionOffset ?? 0;
  const last = selection.numPartitions !== undefined ? offset + selection.numPartitions : Number.POSITIVE_INFINITY;
  return available.filter((p) => p > offset && p <= last);
}

/**
 * Lists the split's partitions and opens every part file once to read its footer and check the
 * required columns, so a missing dataset, partition, part or column fails before training.
 */
export async function listPartitionUnits<Row>(
  path: string,
  table: TableSchema<Row>,
  parts: readonly string[],
  columns: readonly string[] | undefined,
  selection: PartitionSelection,
): Promise<PartitionUnit[]> {
  try {
    if (!(await stat(path)).isDirectory()) throw new DatasetError(path, "is not a directory");
  } catch (error) {
    if (DatasetError.isInstance(error)) throw error;
    throw new DatasetError(path, `does not exist (${(error as Error).message})`);
  }
  const partitions = selectPartitions(await listPartitions(path), selection);
  if (partitions.length === 0) {
    const range = selection.partitionOffset ? ` after partition_offset ${selection.partitionOffset}` : "";
    throw new DatasetError(
      path,
      selection.split === "val" ? "has no partition 0 (the validation partition)" : `has no training partitions${range} (folders 1, 2, … with ${parts[0] ?? "main"}.parquet)`,
    );
  }
  const units: PartitionUnit[] = [];
  for (const partition of partitions) {
    const unit: PartitionUnit = { partition, parts: [], rows: 0 };
    for (const part of parts) {
      const file = stepPath(path, partition, part);
      let reader: TableReader<Row>;
      try {
        reader = await openTable(file, table);
      } catch (error) {
        throw new DatasetError(path, `partition ${partition}${parts.length > 1 ? ` part "${part}"` : ""}: ${(error as Error).message}`);
      }
      try {
        for (const column of columns ?? []) {
          const def = table.columns.find((c) => c.name === column);
          if (def && !def.optional && !reader.hasColumn(column)) {
            throw new DatasetError(path, `partition ${partition} (${file}) lacks the column "${column}"`);
          }
        }
        unit.parts.push({ file, rows: reader.numRows, rowGroups: reader.numRowGroups });
        unit.rows += reader.numRows;
      } finally {
        await reader.close();
      }
    }
    units.push(unit);
  }
  return units;
}
