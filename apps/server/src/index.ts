// The autosing HTTP server: the API, the job queue (embedded, or BullMQ on Redis), the sing page
// and the dataset viewer. `autosing serve` and `autosing worker` are thin wrappers over these.
export { SERVE_DEFAULTS, parseDatasetOption } from "./serve-options.js";
export type { ServeOptions, ServedDatasetOption } from "./serve-options.js";
export { JOB_STATES, isFinished } from "./jobs/job.js";
export type { JobInput, JobKind, JobProgress, JobRecord, JobState, ProcessJobInput, SingJobInput, SingReference } from "./jobs/job.js";
export { QueueFullError, ServerError } from "./jobs/job-queue.js";
export type { JobQueue, QueueStatus } from "./jobs/job-queue.js";
export { runJob } from "./jobs/run-job.js";
export type { JobContext, JobOutcome } from "./jobs/run-job.js";
export { WarmModels } from "./jobs/warm-models.js";
export { runProcessJob } from "./jobs/process-job.js";
export { ProcessModelMissingError, UnknownDatasetError, UnknownPartitionError } from "./jobs/process-errors.js";
export { buildApp } from "./http/app.js";
export { isLoopbackHost, resolveServeOptions, startServer } from "./start-server.js";
export { ServeOptionError } from "./serve-option-error.js";
export type { RunningServer } from "./start-server.js";
export { createEmbeddedQueue, EmbeddedQueue, MAX_ATTEMPTS } from "./jobs/embedded-queue.js";
export type { EmbeddedQueueOptions } from "./jobs/embedded-queue.js";
export { JobStore, JobFileError } from "./jobs/job-store.js";
export { isJobId, newJobId, JOB_ID_PATTERN } from "./jobs/job-id.js";
export { JobAbortedError, JobFailedError, WorkerCrashedError } from "./jobs/worker-pool.js";

export { ApiError } from "./http/api-error.js";
export { readRowAudio, AUDIO_TABLES } from "./datasets/row-audio.js";
export type { AudioTable } from "./datasets/row-audio.js";
export type { ServerContext } from "./http/server-context.js";
export { createBullmqQueue } from "./jobs/bullmq-queue.js";
export type { BullmqQueueOptions } from "./jobs/bullmq-queue.js";
export { BULLMQ_JOB_OPTIONS } from "./jobs/bullmq-queue.js";
export { QUEUE_NAME } from "./jobs/bullmq-jobs.js";
export { QueueUrlError, RedisUnreachableError } from "./jobs/redis-errors.js";
export { runQueueWorker } from "./jobs/queue-worker.js";
export type { QueueWorkerOptions, RunningQueueWorker } from "./jobs/queue-worker.js";
export { SingJobError } from "./jobs/sing-models.js";
