import type { FastifyInstance } from "fastify";

import { commonErrors, healthSchema } from "../api-schemas.js";
import type { ServerContext } from "../server-context.js";

/** `GET /api/health`: the server answers, what its workers have loaded, how full the queue is. */
export async function registerHealthRoutes(app: FastifyInstance, context: ServerContext): Promise<void> {
  app.get("/api/health", { schema: { summary: "the server is up; what the workers have loaded; the queue", tags: ["server"], response: { 200: healthSchema, ...commonErrors } } }, async () => {
    const status = await context.queue.status();
    return { status: "ok", models: status.models, queue: { kind: status.kind, queued: status.queued, running: status.running, workers: status.workers } };
  });
}
