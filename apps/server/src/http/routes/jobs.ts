import type { FastifyInstance } from "fastify";

import type { ServerContext } from "../server-context.js";

/** Routes of this area; registered by http/app.ts. */
export async function registerJobsRoutes(_app: FastifyInstance, _context: ServerContext): Promise<void> {}
