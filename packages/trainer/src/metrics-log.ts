import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

/** One line of the metrics file: a training step, a validation pass, or a step the non-finite guard skipped. */
export interface MetricsRecord {
  type: "train" | "validation" | "skipped";
  step: number;
  epoch: number;
  [key: string]: number | string;
}

/** Writes one record to the metrics file (nothing when the run has none). */
export type MetricsWriter = (record: MetricsRecord) => Promise<void>;

/**
 * The metrics file of a run, one JSON object per line. Records are appended, so a resumed run
 * continues the file it left; its folder is created up front.
 */
export async function openMetricsLog(metricsPath: string | undefined): Promise<MetricsWriter> {
  if (metricsPath) await mkdir(dirname(metricsPath), { recursive: true });
  return async (record: MetricsRecord) => {
    if (metricsPath) await appendFile(metricsPath, `${JSON.stringify(record)}\n`);
  };
}
