import { type TableReader, listPartitions, openTable, stepPath } from "@autosing/parquet-io";

import { type PartitionSelection, selectPartitions } from "../data/partition-files.js";
import { DatasetError } from "../errors.js";
import { type TrainingRow, trainingTable } from "./rows.js";

/** Where a t2s sample's text comes from (upstream T2SDataset.entries' three branches). */
export type T2STextSource = "alignment" | "text" | "placeholder";

/** Why a row trains on the placeholder: no alignment (or no inlier ratio), or an inlier ratio at or below the threshold. */
export type PlaceholderCause = "missing-alignment" | "low-inlier-ratio";

/** upstream: an alignment is used when `inlier_ratio > min_inlier_ratio`. */
export const DEFAULT_MIN_INLIER_RATIO = 0.85;

/** The text source of a row, and for the placeholder why. Port of the branch conditions of T2SDataset.entries. */
export function t2sTextSource(
  row: Pick<TrainingRow, "alignment" | "text">,
  minInlierRatio = DEFAULT_MIN_INLIER_RATIO,
): { source: T2STextSource; cause?: PlaceholderCause } {
  const ratio = row.alignment?.inlier_ratio;
  if (row.alignment && ratio !== null && ratio !== undefined && ratio > minInlierRatio) return { source: "alignment" };
  if (typeof row.text === "string") return { source: "text" };
  return { source: "placeholder", cause: row.alignment && ratio !== null && ratio !== undefined ? "low-inlier-ratio" : "missing-alignment" };
}

/** Counts of t2s samples by text source (what the run summary reports). */
export class T2STextSourceCounts {
  alignment = 0;
  text = 0;
  placeholder = 0;
  missingAlignment = 0;
  lowInlierRatio = 0;

  add(result: { source: T2STextSource; cause?: PlaceholderCause }): void {
    this[result.source]++;
    if (result.cause === "missing-alignment") this.missingAlignment++;
    if (result.cause === "low-inlier-ratio") this.lowInlierRatio++;
  }

  get total(): number {
    return this.alignment + this.text + this.placeholder;
  }

  /** One line for people: `37 of 120 … (31 %) … placeholder text (no alignment: 30, inlier_ratio ≤ 0.85: 7)`. */
  describe(what: string, minInlierRatio = DEFAULT_MIN_INLIER_RATIO): string {
    const percent = this.total ? Math.round((100 * this.placeholder) / this.total) : 0;
    return (
      `${this.placeholder} of ${this.total} ${what} (${percent} %) have no usable text and train on the placeholder "@@@@placeholder@@@@@" ` +
      `(no alignment: ${this.missingAlignment}, inlier_ratio ≤ min_inlier_ratio ${minInlierRatio}: ${this.lowInlierRatio}); ` +
      `${this.alignment} take their text from the alignment, ${this.text} from the text column`
    );
  }
}

export interface T2STextSurveyOptions extends Omit<PartitionSelection, "split"> {
  /** The step files of each partition (upstream `parts`; default `["main"]`). */
  parts?: readonly string[];
  minInlierRatio?: number;
  /** At most this many rows, taken evenly from the training partitions' first row groups (default 1000). */
  maxRows?: number;
}

/**
 * The text sources of a sample of the training rows, read from the `alignment` and `text`
 * columns only: enough to tell, before a run starts, whether most rows would train on the
 * placeholder. Takes up to `maxRows / partitions` rows from the start of each training partition.
 */
export async function surveyT2STextSources(path: string, options: T2STextSurveyOptions = {}): Promise<T2STextSourceCounts> {
  const counts = new T2STextSourceCounts();
  const partitions = selectPartitions(await listPartitions(path), { split: "train", numPartitions: options.numPartitions, partitionOffset: options.partitionOffset });
  if (partitions.length === 0) throw new DatasetError(path, "has no training partitions to survey");
  const perPartition = Math.max(1, Math.ceil((options.maxRows ?? 1000) / partitions.length));
  for (const partition of partitions) {
    let taken = 0;
    for (const part of options.parts ?? ["main"]) {
      if (taken >= perPartition) break;
      const reader: TableReader<TrainingRow> = await openTable(stepPath(path, partition, part), trainingTable);
      try {
        const columns = (["alignment", "text"] as const).filter((c) => reader.hasColumn(c));
        for (let group = 0; group < reader.numRowGroups && taken < perPartition; group++) {
          for (const row of await reader.readRowGroup(group, { columns: [...columns] })) {
            if (taken >= perPartition) break;
            counts.add(t2sTextSource(row, options.minInlierRatio));
            taken++;
          }
        }
      } finally {
        await reader.close();
      }
    }
  }
  return counts;
}
