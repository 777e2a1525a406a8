import type { JobQueue } from "./job-queue.js";

/** Where the BullMQ queue lives and where jobs' folders are (a directory every worker machine shares). */
export interface BullmqQueueOptions {
  /** `redis://host:port[/db]` */
  readonly url: string;
  readonly stateDir: string;
  /** Queued jobs past which submissions get 429. */
  readonly backlog: number;
  readonly log: (line: string) => void;
}

/** The queue of `--queue redis://…`: jobs go to BullMQ and `autosing worker` processes run them. */
export async function createBullmqQueue(_options: BullmqQueueOptions): Promise<JobQueue> {
  throw new Error("not implemented yet");
}
