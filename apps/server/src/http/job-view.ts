/** A job record as the API shows it: outputs as URLs, the input's kind (the uploads' file names stay inside the server). */
import type { JobRecord } from "../jobs/job.js";

/** The record without its input (its uploads' file names stay inside the server), plus the input's kind; outputs become URLs. */
export type JobView = Omit<JobRecord, "input"> & { readonly kind: JobRecord["input"]["kind"] };

export function jobView(record: JobRecord): JobView {
  return {
    id: record.id,
    kind: record.input.kind,
    state: record.state,
    progress: record.progress,
    outputs: record.outputs.map((_, n) => `/api/jobs/${record.id}/outputs/${n}`),
    error: record.error,
    attempts: record.attempts,
    createdAt: record.createdAt,
    startedAt: record.startedAt,
    finishedAt: record.finishedAt,
  };
}
