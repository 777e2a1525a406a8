/**
 * `POST /api/process { dataset, step, partitions }`: one process job per partition (the
 * `autosing process` steps), on the same queue as sing jobs — the embedded one, or BullMQ and
 * `autosing worker` processes on other machines.
 */
import { listPartitions } from "@autosing/parquet-io";
import { STEPS, type StepName } from "@autosing/processing";
import type { FastifyInstance } from "fastify";

import { QueueFullError } from "../../jobs/job-queue.js";
import { UnknownDatasetError, UnknownPartitionError } from "../../jobs/process-errors.js";
import { servedDataset } from "../../jobs/process-job.js";
import { ApiError } from "../api-error.js";
import { commonErrors, errorSchema } from "../api-schemas.js";
import type { ServerContext } from "../server-context.js";

interface ProcessBody {
  readonly dataset: string;
  readonly step: string;
  readonly partitions: "all" | readonly number[];
}

/** Partition numbers are folder names; this bounds one request's fan-out. */
const MAX_PARTITIONS_PER_REQUEST = 10_000;

const idsSchema = { type: "array", items: { type: "string" }, description: "the queued jobs' ids, one per partition in the order asked (GET /api/jobs/:id)" } as const;

const PROCESS_SCHEMA = {
  summary: "queues one dataset processing step (autosing process) per partition of a served dataset",
  tags: ["process"],
  body: {
    type: "object",
    required: ["dataset", "step", "partitions"],
    additionalProperties: false,
    properties: {
      dataset: { type: "string", minLength: 1, maxLength: 200, description: "a dataset name the server serves (GET /api/datasets)" },
      step: { type: "string", minLength: 1, maxLength: 50, description: `one of ${STEPS.join(", ")}` },
      partitions: {
        // "all" first: the array branch would coerce a string into a one-element array.
        anyOf: [
          { type: "string", const: "all" },
          { type: "array", minItems: 1, maxItems: MAX_PARTITIONS_PER_REQUEST, items: { type: "integer", minimum: 0 } },
        ],
        description: 'partition numbers, or "all" (every partition of the dataset)',
      },
    },
  },
  response: {
    202: { type: "object", required: ["ids"], additionalProperties: false, properties: { ids: idsSchema } },
    // Past the backlog: the jobs queued before it filled stay queued, and their ids come back.
    429: { ...errorSchema, properties: { ...errorSchema.properties, ids: idsSchema } },
    ...commonErrors,
  },
} as const;

export async function registerProcessRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.post<{ Body: ProcessBody }>("/api/process", { schema: PROCESS_SCHEMA }, async (request, reply) => {
    const { dataset: name, step, partitions: asked } = request.body;
    if (!(STEPS as readonly string[]).includes(step)) throw new ApiError(400, `step: unknown step "${step}"; expected one of ${STEPS.join(", ")}`);
    let dir: string;
    try {
      dir = servedDataset(context.datasets, name).dir;
    } catch (error) {
      if (UnknownDatasetError.isInstance(error)) throw new ApiError(404, `dataset: ${error.message}`, { cause: error });
      throw error;
    }
    const present = await listPartitions(dir);
    const partitions = asked === "all" ? present : [...new Set(asked)];
    const absent = partitions.find((partition) => !present.includes(partition));
    if (absent !== undefined) throw new ApiError(404, `partitions: ${new UnknownPartitionError(name, absent, present).message}`);
    if (partitions.length === 0) throw new ApiError(404, `partitions: dataset "${name}" has no partitions (no <n>/ folders in its directory)`);
    const ids: string[] = [];
    for (const partition of partitions) {
      try {
        ids.push((await context.queue.submit({ kind: "process", dataset: name, step: step as StepName, partition })).id);
      } catch (error) {
        if (!QueueFullError.isInstance(error)) throw error;
        context.log(`POST /api/process: ${ids.length} of ${partitions.length} jobs queued before the backlog filled`);
        return reply
          .code(429)
          .header("retry-after", String(error.retryAfterSeconds))
          .send({ statusCode: 429, error: "Too Many Requests", message: `${error.message}; ${ids.length} of the ${partitions.length} jobs were queued (their ids are in "ids")`, ids });
      }
    }
    return reply.code(202).send({ ids });
  });
}
