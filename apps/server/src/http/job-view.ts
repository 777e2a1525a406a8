/** A job record as the API shows it: outputs as URLs, the input's kind (the uploads' file names stay inside the server). */
import type { JobProgress, JobRecord, JobState } from "../jobs/job.js";

export interface JobView {
  readonly id: string;
  readonly kind: JobRecord["input"]["kind"];
  readonly state: JobState;
  readonly progress: JobProgress | null;
  readonly outputs: readonly string[];
  readonly error: string | null;
  readonly attempts: number;
  readonly createdAt: string;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
}

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
