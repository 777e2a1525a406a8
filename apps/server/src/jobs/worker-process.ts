/**
 * A worker process of the embedded queue (`child_process.fork`): runs one job at a time with
 * `runJob`, keeping its models warm between jobs. A child process, not a thread: onnxruntime-node
 * in several threads of one process is not safe. When its parent dies (the IPC channel closes)
 * it exits at once, so a killed server never leaves a worker writing into a job's folder.
 */
import type { JobProgress } from "./job.js";
import { runJob } from "./run-job.js";
import { preloadSingModels } from "./sing-job.js";
import { WarmModels } from "./warm-models.js";
import type { FromWorker, ToWorker, WorkerInit } from "./worker-messages.js";

function send(message: FromWorker): void {
  process.send?.(message);
}

/** One line for the job's record: autosing's errors already name the file, field or flag and how to fix it. */
function failureReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function main(): Promise<void> {
  const init = JSON.parse(process.argv[2] ?? "{}") as WorkerInit;
  const warm = new WarmModels();
  let running: { id: string; controller: AbortController } | undefined;

  process.on("disconnect", () => process.exit(1));
  process.on("message", (message: ToWorker) => {
    switch (message.type) {
      case "run": {
        const controller = new AbortController();
        running = { id: message.id, controller };
        const context = {
          id: message.id,
          folder: message.folder,
          modelsDir: init.modelsDir,
          datasets: init.datasets,
          warm,
          threads: init.threads,
          signal: controller.signal,
          reportProgress: (progress: JobProgress) => send({ type: "progress", id: message.id, progress }),
        };
        runJob(message.input, context).then(
          (outcome) => {
            running = undefined;
            send({ type: "done", id: message.id, outputs: outcome.outputs, models: warm.describe() });
          },
          (error: unknown) => {
            running = undefined;
            const aborted = controller.signal.aborted;
            send({ type: "failed", id: message.id, error: aborted ? String(controller.signal.reason) : failureReason(error), aborted, models: warm.describe() });
          },
        );
        return;
      }
      case "cancel":
        if (running?.id === message.id) running.controller.abort(message.reason);
        return;
      case "shutdown":
        running?.controller.abort("the server is shutting down");
        void warm.dispose().finally(() => process.exit(0));
        return;
    }
  });
  send({ type: "ready", models: warm.describe() });
  // Load the sing models now, so the first job does not pay for it; a failure is the first job's to report.
  await preloadSingModels({ modelsDir: init.modelsDir, warm, threads: init.threads }).catch(() => undefined);
  if (running === undefined) send({ type: "ready", models: warm.describe() });
}

await main();
