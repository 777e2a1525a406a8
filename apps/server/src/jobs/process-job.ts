import type { ProcessJobInput } from "./job.js";
import type { JobContext, JobOutcome } from "./run-job.js";

/** A process job: one `autosing process` step on one partition of a served dataset. */
export async function runProcessJob(_input: ProcessJobInput, _context: JobContext): Promise<JobOutcome> {
  throw new Error("not implemented yet");
}
