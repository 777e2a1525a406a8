/**
 * The JSON schemas of the API: Fastify validates every request against them and serializes every
 * response through them, and @fastify/swagger turns them into `GET /api/openapi.json`. They mirror
 * jobs/job.ts (the record) and jobs/job-id.ts (the id pattern).
 */
import { JOB_STATES } from "../jobs/job.js";
import { JOB_ID_PATTERN } from "../jobs/job-id.js";

/** Every error answer: Fastify's own shape, so validation errors and ours read alike. */
export const errorSchema = {
  type: "object",
  required: ["statusCode", "error", "message"],
  properties: {
    statusCode: { type: "integer" },
    error: { type: "string", description: "the HTTP status text" },
    message: { type: "string", description: "what is wrong, naming the field or file, and how to fix it" },
  },
} as const;

export const jobIdParams = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string", pattern: JOB_ID_PATTERN, description: "a job id as POST /api/sing returned it" } },
} as const;

export const jobOutputParams = {
  type: "object",
  required: ["id", "n"],
  properties: {
    id: jobIdParams.properties.id,
    n: { type: "string", pattern: "^(0|[1-9][0-9]{0,3})$", description: "the output's index (0 = the first variation)" },
  },
} as const;

export const progressSchema = {
  type: ["object", "null"],
  required: ["stage", "step", "total"],
  properties: {
    stage: { type: "string", description: "sing: load, separate, music, embedding, semantic, acoustic, decode; process: the step" },
    step: { type: "integer" },
    total: { type: "integer", description: "0 while the stage has no steps to count" },
  },
} as const;

/** A job as the API reports it (`GET /api/jobs/:id`, each server-sent event). */
export const jobSchema = {
  type: "object",
  required: ["id", "kind", "state", "progress", "outputs", "error", "attempts", "createdAt", "startedAt", "finishedAt"],
  properties: {
    id: { type: "string" },
    kind: { type: "string", enum: ["sing", "process"] },
    state: { type: "string", enum: [...JOB_STATES] },
    progress: progressSchema,
    outputs: { type: "array", items: { type: "string" }, description: "URLs of the outputs (GET /api/jobs/:id/outputs/:n), once done" },
    error: { type: ["string", "null"], description: "why it failed or was cancelled" },
    attempts: { type: "integer", description: "times a worker started it (a job whose worker died is retried once)" },
    createdAt: { type: "string" },
    startedAt: { type: ["string", "null"] },
    finishedAt: { type: ["string", "null"] },
  },
} as const;

/**
 * `POST /api/sing`, multipart/form-data. File fields are stored in the job's folder as they
 * arrive (their names become the stored file's name); the text fields are validated here.
 */
export const singBodySchema = {
  type: "object",
  required: ["lyrics"],
  properties: {
    reference: { type: "string", description: "file: the reference song (any format the server decodes: wav, flac, mp3, ogg); or give referenceId" },
    referenceId: { type: "string", minLength: 3, maxLength: 400, description: "a song of a served dataset: <dataset>/<partition>/<row id> (its stems come from the dataset's src_sep tables)" },
    vocals: { type: "string", description: "file: the reference's separated vocals (with instrumental; needed when the models directory has no separator)" },
    instrumental: { type: "string", description: "file: the reference's separated instrumental" },
    spkfile: { type: "string", description: "file: another singer whose artist embedding is blended in by spkAlpha" },
    lyrics: { type: "string", minLength: 3, maxLength: 2000, description: "two lines separated by a newline: the first sung over the first 15 s, the second over the last 15 s" },
    length: { type: "number", exclusiveMinimum: 0, maximum: 60, description: "seconds of singing (default 15)" },
    batchSize: { type: "integer", minimum: 1, maximum: 16, description: "variations, one output each (default 8)" },
    temperature: { type: "number", exclusiveMinimum: 0, maximum: 10, description: "sampling temperature (default 0.7)" },
    seed: { type: "integer", minimum: 0, maximum: 4294967295, description: "seed of all sampling (default 0)" },
    spkAlpha: { type: "number", minimum: -10, maximum: 10, description: "blend weight of spkfile (default 1)" },
  },
  additionalProperties: false,
} as const;

export const acceptedSchema = {
  type: "object",
  required: ["id"],
  properties: { id: { type: "string" }, url: { type: "string", description: "the job's URL" } },
} as const;

export const healthSchema = {
  type: "object",
  required: ["status", "models", "queue"],
  properties: {
    status: { type: "string", enum: ["ok"] },
    models: { type: "object", additionalProperties: { type: "string" }, description: "what the workers have loaded: model key → the networks' paths" },
    queue: {
      type: "object",
      required: ["kind", "queued", "running", "workers"],
      properties: { kind: { type: "string", enum: ["embedded", "bullmq"] }, queued: { type: "integer" }, running: { type: "integer" }, workers: { type: "integer" } },
    },
  },
} as const;

/** The answers every /api route may give besides its own. */
export const commonErrors = { 400: errorSchema, 401: errorSchema, 404: errorSchema, 500: errorSchema } as const;
