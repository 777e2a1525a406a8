// The server's error classes alone (`@autosing/server/errors`): the CLI's exit-code table imports
// them without loading Fastify and the rest of the server.
export { QueueFullError, ServerError } from "./jobs/job-queue.js";
export { ServeOptionError } from "./serve-option-error.js";
export { QueueUrlError, RedisUnreachableError } from "./jobs/redis-errors.js";
