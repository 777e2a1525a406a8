import { appendFile, mkdir } from "node:fs/promises";
import { dirname } from "node:path";

import { TensorBoardEventFile, scalarsOfRecord } from "./tensorboard/event-file.js";

/** One line of the metrics file: a training step, a validation pass, or a step the non-finite guard skipped. */
export interface MetricsRecord {
  type: "train" | "validation" | "skipped";
  step: number;
  epoch: number;
  [key: string]: number | string;
}

/** Writes one record to the metrics file and the event file (nothing when the run has neither). */
export type MetricsWriter = (record: MetricsRecord) => Promise<void>;

/**
 * The metrics of a run: one JSON object per line in `metricsPath` (appended, so a resumed run
 * continues the file it left; its folder is created up front) and, with `tensorboardDir`, a
 * TensorBoard event file there, flushed with every record (one record per optimizer step or
 * validation pass: the log interval).
 */
export async function openMetricsLog(metricsPath: string | undefined, tensorboardDir?: string): Promise<MetricsWriter> {
  if (metricsPath) await mkdir(dirname(metricsPath), { recursive: true });
  const events = tensorboardDir ? await TensorBoardEventFile.create(tensorboardDir) : undefined;
  return async (record: MetricsRecord) => {
    if (metricsPath) await appendFile(metricsPath, `${JSON.stringify(record)}\n`);
    if (events) {
      events.add(record.step, scalarsOfRecord(record));
      await events.flush();
    }
  };
}
