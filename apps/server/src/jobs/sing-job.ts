import type { SingJobInput } from "./job.js";
import type { JobContext, JobOutcome } from "./run-job.js";

/** A sing job: the reference's stems, the warm sing models, the outputs in the job's folder. */
export async function runSingJob(_input: SingJobInput, _context: JobContext): Promise<JobOutcome> {
  throw new Error("not implemented yet");
}
