/**
 * `POST /api/process { dataset, step, partitions }`: one process job per partition (the
 * `autosing process` steps), on the same queue as sing jobs — the embedded one, or BullMQ and
 * `autosing worker` processes on other machines.
 */
import { listPartitions } from "@autosing/parquet-io";
import { STEPS, type StepName } from "@autosing/processing";
import { STATUS_CODES } from "node:http";

import type { FastifyInstance, FastifyReply } from "fastify";

import { QueueFullError } from "../../jobs/job-queue.js";
import { UnknownDatasetError, UnknownPartitionError } from "../../jobs/process-errors.js";
import { servedDataset } from "../../jobs/process-job.js";
import type { ServerContext } from "../server-context.js";

interface ProcessBody {
  readonly dataset: string;
  readonly step: string;
  readonly partitions: "all" | readonly number[];
}

/** Partition numbers are folder names; this bounds one request's fan-out. */
const MAX_PARTITIONS_PER_REQUEST = 10_000;

const PROCESS_SCHEMA = {
  summary: "Queue one processing step per partition of a served dataset",
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
    202: { type: "object", required: ["ids"], additionalProperties: false, properties: { ids: { type: "array", items: { type: "string" } } } },
    // Fastify's error shape, so a body that fails the schema keeps its detail (code, message).
    "4xx": {
      type: "object",
      required: ["statusCode", "error", "message"],
      properties: { statusCode: { type: "integer" }, error: { type: "string" }, message: { type: "string" }, code: { type: "string" }, ids: { type: "array", items: { type: "string" } } },
    },
  },
} as const;

/** An answer other than success, in Fastify's own error shape `{ statusCode, error, message }`. */
function refuse(reply: FastifyReply, statusCode: number, message: string, extra: { ids?: string[] } = {}): FastifyReply {
  return reply.code(statusCode).send({ statusCode, error: STATUS_CODES[statusCode] ?? "Error", message, ...extra });
}

export async function registerProcessRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.post<{ Body: ProcessBody }>("/api/process", { schema: PROCESS_SCHEMA }, async (request, reply) => {
    const { dataset: name, step, partitions: asked } = request.body;
    if (!(STEPS as readonly string[]).includes(step)) return refuse(reply, 400, `step: unknown step "${step}"; expected one of ${STEPS.join(", ")}`);
    let dir: string;
    try {
      dir = servedDataset(context.datasets, name).dir;
    } catch (error) {
      if (UnknownDatasetError.isInstance(error)) return refuse(reply, 404, `dataset: ${error.message}`);
      throw error;
    }
    const present = await listPartitions(dir);
    const partitions = asked === "all" ? present : [...new Set(asked)];
    const absent = partitions.find((partition) => !present.includes(partition));
    if (absent !== undefined) return refuse(reply, 404, `partitions: ${new UnknownPartitionError(name, absent, present).message}`);
    if (partitions.length === 0) return refuse(reply, 404, `partitions: dataset "${name}" has no partitions (no <n>/ folders under its directory)`);
    const ids: string[] = [];
    for (const partition of partitions) {
      try {
        ids.push((await context.queue.submit({ kind: "process", dataset: name, step: step as StepName, partition })).id);
      } catch (error) {
        if (!QueueFullError.isInstance(error)) throw error;
        // The jobs queued before the backlog filled stay queued: their ids come back with the 429.
        context.log(`POST /api/process: ${ids.length} of ${partitions.length} jobs queued before the backlog filled`);
        reply.header("retry-after", String(error.retryAfterSeconds));
        return refuse(reply, 429, `${error.message}; ${ids.length} of the ${partitions.length} jobs were queued (their ids are in "ids")`, { ids });
      }
    }
    return reply.code(202).send({ ids });
  });
}
