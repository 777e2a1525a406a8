import type { ServedDatasetOption } from "../serve-options.js";

export interface QueueWorkerOptions {
  /** `redis://host:port[/db]` */
  readonly url: string;
  /** The same state directory the server uses (shared between machines). */
  readonly stateDir: string;
  readonly modelsDir: string | undefined;
  readonly datasets: readonly ServedDatasetOption[];
  readonly log: (line: string) => void;
}

/** A running `autosing worker`: `close()` finishes or requeues its job and disconnects. */
export interface RunningQueueWorker {
  close(): Promise<void>;
}

/** `autosing worker --queue redis://…`: takes jobs from BullMQ one at a time and runs them with warm models. */
export async function runQueueWorker(_options: QueueWorkerOptions): Promise<RunningQueueWorker> {
  throw new Error("not implemented yet");
}
