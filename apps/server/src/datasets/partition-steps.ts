/**
 * Which processing step has run on which partition of a dataset: the `missing` table of the
 * dataset API (port of upstream processing.py `missing`, through @autosing/processing). Atoks is
 * listed once per source/codec variant found on disk (`atoks_vocals_default`, …), since which
 * codec a dataset was tokenised with is the dataset's choice.
 */
import { datasetInfo } from "@autosing/parquet-io";
import type { StepName } from "@autosing/processing";

/** One column of the table: a step (or an atoks variant) and the tables it writes. */
export interface StepColumn {
  /** `align`, `vad_extract`, `src_sep`, `atoks_<source>_<codec>`, `stoks`, `artist_embs`. */
  readonly name: string;
  readonly step: StepName;
  readonly tables: readonly string[];
}

export interface PartitionRow {
  readonly partition: number;
  /** Rows of each table in the partition (from the Parquet footers); null for an unreadable file. */
  readonly tables: Readonly<Record<string, number | null>>;
  /** Step column name → whether all its tables exist in this partition. */
  readonly done: Readonly<Record<string, boolean>>;
}

export interface DatasetPartitions {
  readonly steps: readonly StepColumn[];
  readonly partitions: readonly PartitionRow[];
  /** Step column name → partitions still lacking it. */
  readonly missing: Readonly<Record<string, readonly number[]>>;
}

/** Reads the footers of every partition of `dir` and tells which steps are done where. */
export async function describePartitions(dir: string): Promise<DatasetPartitions> {
  // Loaded on the first request: the processing package pulls in every step's libraries, which the
  // HTTP process should not pay for at start (it starts in well under 2 s without them).
  const { STEPS, missingPartitions, stepOutputTables } = await import("@autosing/processing");
  const info = await datasetInfo(dir);
  const atoksVariants = new Set<string>();
  for (const partition of info.partitions) for (const file of partition.steps) if (/^atoks_(chunked|vocals|no_vocals)_.+$/.test(file.step)) atoksVariants.add(file.step);
  if (atoksVariants.size === 0) atoksVariants.add(stepOutputTables("atoks")[0]!);

  const steps: StepColumn[] = [];
  for (const step of STEPS) {
    if (step === "atoks") for (const table of [...atoksVariants].sort()) steps.push({ name: table, step, tables: [table] });
    else steps.push({ name: step, step, tables: stepOutputTables(step) });
  }
  const total = (info.partitions.at(-1)?.partition ?? -1) + 1;
  const missing: Record<string, readonly number[]> = {};
  for (const column of steps) {
    missing[column.name] = column.step === "atoks" ? await missingPartitions(dir, `${column.tables[0]!}.parquet`, { total }) : await missingPartitions(dir, column.step, { total });
  }
  const partitions = info.partitions.map((partition): PartitionRow => {
    const tables = Object.fromEntries(partition.steps.map((file) => [file.step, file.rows]));
    const done = Object.fromEntries(steps.map((column) => [column.name, !missing[column.name]!.includes(partition.partition)]));
    return { partition: partition.partition, tables, done };
  });
  return { steps, partitions, missing };
}
