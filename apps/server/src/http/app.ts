/**
 * The Fastify application: one module per route area, so each lands without touching the others.
 * The HTTP loop never runs a job: jobs run in worker processes behind the queue. Every `/api`
 * route has JSON schemas (request and response), which also make `GET /api/openapi.json`.
 */
import { createHash, timingSafeEqual } from "node:crypto";

import swagger from "@fastify/swagger";
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest } from "fastify";

import { QueueClosedError } from "../jobs/embedded-queue.js";
import { QueueFullError } from "../jobs/job-queue.js";
import { ApiError } from "./api-error.js";
import { registerDatasetsRoutes } from "./routes/datasets.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerJobsRoutes } from "./routes/jobs.js";
import { registerPagesRoutes } from "./routes/pages.js";
import { registerProcessRoutes } from "./routes/process.js";
import { registerSingRoutes } from "./routes/sing.js";
import type { ServerContext } from "./server-context.js";

const SERVER_VERSION = "0.1.0";

/** The request's path without its query (a token or a filter in a query never reaches the log). */
function pathOf(request: FastifyRequest): string {
  const url = request.url;
  const query = url.indexOf("?");
  return query < 0 ? url : url.slice(0, query);
}

/** `/api` and everything under it, however the path is spelled (case, encoding, doubled slashes). */
function isApiPath(request: FastifyRequest): boolean {
  if (request.routeOptions.url?.startsWith("/api") === true) return true;
  let path = pathOf(request);
  try {
    path = decodeURIComponent(path);
  } catch {
    // A malformed escape is the router's 400 to give; still treat it as an API path when it looks like one.
  }
  return /^\/+api(\/|$)/i.test(path);
}

/** A constant-time comparison of the bearer token (hashing first gives both sides one length). */
function tokenMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (match === null) return false;
  const digest = (value: string): Buffer => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(match[1] ?? ""), digest(token));
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 413: "Payload Too Large", 416: "Range Not Satisfiable", 429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable" };

export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  // Event streams stay open while their job runs: closing the server ends them rather than waiting for them.
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });

  await app.register(swagger, {
    openapi: {
      info: { title: "autosing server", description: "Sing jobs, dataset processing jobs and the dataset viewer's data. Bearer token on /api when the server was started with --token.", version: SERVER_VERSION },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    },
  });

  // One line per request: method, path, status, milliseconds.
  app.addHook("onResponse", async (request, reply) => {
    context.log(`${request.method} ${pathOf(request)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)} ms`);
  });

  const token = context.token;
  if (token !== undefined) {
    app.addHook("onRequest", async (request, reply) => {
      if (!isApiPath(request) || tokenMatches(request.headers.authorization, token)) return;
      await reply.code(401).header("www-authenticate", 'Bearer realm="autosing"').send({ statusCode: 401, error: STATUS_TEXT[401], message: "this server needs the bearer token it was started with: Authorization: Bearer <token>" });
    });
  }

  app.setErrorHandler(async (error: FastifyError, request, reply) => {
    let status: number;
    let message = error.message;
    if (QueueFullError.isInstance(error)) {
      status = 429;
      reply.header("retry-after", String(error.retryAfterSeconds));
    } else if (ApiError.isInstance(error) || QueueClosedError.isInstance(error)) {
      status = error.statusCode;
    } else if (error.validation !== undefined) {
      status = 400;
    } else if (typeof error.statusCode === "number" && error.statusCode >= 400 && error.statusCode < 500) {
      status = error.statusCode;
      if (error.code === "FST_REQ_FILE_TOO_LARGE" || error.code === "FST_ERR_CTP_BODY_TOO_LARGE") message = `the upload is larger than this server takes (${context.maxUploadBytes} bytes; --max-upload-mb)`;
    } else {
      status = 500;
      context.log(`${request.method} ${pathOf(request)}: internal error: ${error.stack ?? error.message}`);
      message = `internal error: ${error.message}`;
    }
    return reply.code(status).send({ statusCode: status, error: STATUS_TEXT[status] ?? "Error", message });
  });

  app.get("/api/openapi.json", { schema: { hide: true } }, async () => app.swagger());

  await registerHealthRoutes(app, context);
  await registerSingRoutes(app, context);
  await registerJobsRoutes(app, context);
  await registerProcessRoutes(app, context);
  await registerDatasetsRoutes(app, context);
  await registerPagesRoutes(app, context);
  return app;
}
