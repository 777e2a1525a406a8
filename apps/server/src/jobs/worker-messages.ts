/**
 * The messages between the embedded queue and its worker processes (Node IPC, structured clone).
 * One job at a time per worker: `run` → `progress`* → `done` | `failed`; `cancel` aborts it.
 */
import type { ServedDatasetOption } from "../serve-options.js";
import type { JobInput, JobProgress } from "./job.js";

/** What a worker process is started with (its one command-line argument, as JSON). */
export interface WorkerInit {
  readonly modelsDir: string | undefined;
  readonly datasets: readonly ServedDatasetOption[];
  /** onnxruntime threads per session: the cores shared among the workers. */
  readonly threads: number;
}

export type ToWorker =
  | { readonly type: "run"; readonly id: string; readonly input: JobInput; readonly folder: string }
  | { readonly type: "cancel"; readonly id: string; readonly reason: string }
  | { readonly type: "shutdown" };

export type FromWorker =
  | { readonly type: "ready"; readonly models: Record<string, string> }
  | { readonly type: "progress"; readonly id: string; readonly progress: JobProgress }
  | { readonly type: "done"; readonly id: string; readonly outputs: readonly string[]; readonly models: Record<string, string> }
  | { readonly type: "failed"; readonly id: string; readonly error: string; readonly aborted: boolean; readonly models: Record<string, string> };
