/** What every route module gets: the queue, the served datasets, the models directory and the limits. */
import type { JobQueue } from "../jobs/job-queue.js";
import type { ServedDatasetOption } from "../serve-options.js";

export interface ServerContext {
  readonly queue: JobQueue;
  readonly datasets: readonly ServedDatasetOption[];
  /** The models directory, when the server was given one. */
  readonly modelsDir: string | undefined;
  readonly stateDir: string;
  readonly maxUploadBytes: number;
  readonly log: (line: string) => void;
  /** Bearer token every `/api` request must carry (`--token`); undefined: none asked. */
  readonly token?: string;
}
