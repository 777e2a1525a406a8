import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";

import type { FastifyInstance } from "fastify";

import { parseByteRange } from "../../datasets/byte-range.js";
import { type JobRecord, isFinished } from "../../jobs/job.js";
import { ApiError } from "../api-error.js";
import { commonErrors, errorSchema, jobIdParams, jobOutputParams, jobSchema } from "../api-schemas.js";
import { jobView } from "../job-view.js";
import type { ServerContext } from "../server-context.js";

/** How often an idle event stream sends a comment, so proxies do not close it. */
const KEEPALIVE_MS = 15_000;

const CONTENT_TYPES: Readonly<Record<string, string>> = { wav: "audio/wav", flac: "audio/flac", mp3: "audio/mpeg", ogg: "audio/ogg" };

/** `GET /api/jobs/:id`, its event stream, its outputs, and `DELETE` to cancel. */
export async function registerJobsRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  const { queue } = context;
  const known = async (id: string): Promise<JobRecord> => {
    const record = await queue.get(id);
    if (record === undefined) throw new ApiError(404, `no job ${id}`);
    return record;
  };

  app.get<{ Params: { id: string } }>(
    "/api/jobs/:id",
    { schema: { summary: "a job: state, progress, outputs, error", tags: ["jobs"], params: jobIdParams, response: { 200: jobSchema, ...commonErrors } } },
    async (request) => jobView(await known(request.params.id)),
  );

  app.get<{ Params: { id: string } }>(
    "/api/jobs/:id/events",
    {
      schema: {
        summary: "server-sent events: the job (as GET /api/jobs/:id) on every change; the stream ends when the job is finished",
        tags: ["jobs"],
        params: jobIdParams,
        produces: ["text/event-stream"],
        response: { 200: { description: "`data: <job JSON>` events", type: "string" }, ...commonErrors },
      },
    },
    async (request, reply) => {
      const first = await known(request.params.id);
      const stream = new PassThrough();
      const send = (record: JobRecord): void => {
        // Unnamed events: a browser's EventSource delivers them to `onmessage`.
        stream.write(`data: ${JSON.stringify(jobView(record))}\n\n`);
        if (isFinished(record.state)) stop();
      };
      const keepalive = setInterval(() => stream.write(": keepalive\n\n"), KEEPALIVE_MS);
      const unsubscribe = queue.subscribe(first.id, send);
      let stopped = false;
      function stop(): void {
        if (stopped) return;
        stopped = true;
        clearInterval(keepalive);
        unsubscribe();
        stream.end();
      }
      request.raw.on("close", stop);
      // The record may have changed between the read and the subscription: send the latest.
      send((await queue.get(first.id)) ?? first);
      return reply.header("content-type", "text/event-stream; charset=utf-8").header("cache-control", "no-cache").header("x-accel-buffering", "no").send(stream);
    },
  );

  app.get<{ Params: { id: string; n: string } }>(
    "/api/jobs/:id/outputs/:n",
    {
      schema: {
        summary: "an output's audio; range requests work (206, Accept-Ranges), so a browser can seek",
        tags: ["jobs"],
        params: jobOutputParams,
        produces: ["audio/wav"],
        response: { 200: { description: "the whole file", type: "string" }, 206: { description: "the requested byte range", type: "string" }, 416: errorSchema, ...commonErrors },
      },
    },
    async (request, reply) => {
      const record = await known(request.params.id);
      const name = record.outputs[Number(request.params.n)];
      if (name === undefined) throw new ApiError(404, `job ${record.id} has ${record.outputs.length} output${record.outputs.length === 1 ? "" : "s"}${record.state === "done" ? "" : ` (it is ${record.state})`}`);
      // The name comes from the job's own record (never from the request): a file the worker wrote in the job's folder.
      // A process job's outputs are its step's tables, relative to the served dataset's folder (process-job.ts).
      const input = record.input;
      // (A lookup here, not process-job.ts's: that module loads the processing steps, which the HTTP process should not pay for.)
      const dataset = input.kind === "process" ? context.datasets.find((candidate) => candidate.name === input.dataset) : undefined;
      if (input.kind === "process" && dataset === undefined) throw new ApiError(404, `job ${record.id} wrote into dataset "${input.dataset}", which this server does not serve`);
      const file = join(dataset?.dir ?? queue.jobFolder(record.id), name);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) throw new ApiError(404, `output ${request.params.n} of job ${record.id} is gone`);
      const type = CONTENT_TYPES[name.slice(name.lastIndexOf(".") + 1)] ?? "application/octet-stream";
      reply.header("accept-ranges", "bytes").header("content-type", type).header("cache-control", "private, max-age=3600");
      const range = parseByteRange(request.headers.range, info.size);
      if (range === "unsatisfiable") {
        reply.header("content-range", `bytes */${info.size}`);
        throw new ApiError(416, `the range ${request.headers.range ?? ""} is outside the ${info.size} bytes of output ${request.params.n}`);
      }
      if (range === undefined) return reply.header("content-length", info.size).send(createReadStream(file));
      return reply
        .code(206)
        .header("content-range", `bytes ${range.start}-${range.end}/${info.size}`)
        .header("content-length", range.end - range.start + 1)
        .send(createReadStream(file, { start: range.start, end: range.end }));
    },
  );

  app.delete<{ Params: { id: string } }>(
    "/api/jobs/:id",
    { schema: { summary: "cancels a queued or running job (a finished one is returned unchanged)", tags: ["jobs"], params: jobIdParams, response: { 200: jobSchema, ...commonErrors } } },
    async (request) => {
      const record = await queue.cancel(request.params.id);
      if (record === undefined) throw new ApiError(404, `no job ${request.params.id}`);
      return jobView(record);
    },
  );
}
