/**
 * The Fastify application: one module per route area, so each lands without touching the others.
 * The HTTP loop never runs a job: jobs run in worker processes behind the queue.
 */
import Fastify, { type FastifyInstance } from "fastify";

import { registerDatasetsRoutes } from "./routes/datasets.js";
import { registerHealthRoutes } from "./routes/health.js";
import { registerJobsRoutes } from "./routes/jobs.js";
import { registerPagesRoutes } from "./routes/pages.js";
import { registerProcessRoutes } from "./routes/process.js";
import { registerSingRoutes } from "./routes/sing.js";
import type { ServerContext } from "./server-context.js";

export async function buildApp(context: ServerContext): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await registerHealthRoutes(app, context);
  await registerSingRoutes(app, context);
  await registerJobsRoutes(app, context);
  await registerProcessRoutes(app, context);
  await registerDatasetsRoutes(app, context);
  await registerPagesRoutes(app, context);
  return app;
}
