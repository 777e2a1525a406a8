/**
 * The Redis connections of the BullMQ queue and `autosing worker`. BullMQ 6 takes an ioredis
 * client instance in native ESM (it cannot `require` the driver itself). Before the long-lived
 * clients (which reconnect forever, as BullMQ wants), one probe with no retries says at once and
 * plainly when the URL is wrong or Redis is down.
 */
import { Redis } from "ioredis";

import { QueueUrlError, RedisUnreachableError, redactUrl } from "./redis-errors.js";

export { redactUrl };

/** Throws `QueueUrlError` unless `url` is a `redis://` or `rediss://` URL with a host. */
export function checkQueueUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new QueueUrlError(url);
  }
  if ((parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") || parsed.hostname === "") throw new QueueUrlError(url);
}

/** Seconds the probe waits for Redis to answer. */
const PROBE_TIMEOUT_MS = 5000;

/** Throws `RedisUnreachableError` unless Redis answers PING at `url`. */
export async function probeRedis(url: string): Promise<void> {
  checkQueueUrl(url);
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: PROBE_TIMEOUT_MS, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  // Errors surface through connect()/ping(); without a listener ioredis would also print them.
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (error) {
    throw new RedisUnreachableError(url, error instanceof Error ? error.message : String(error), { cause: error });
  } finally {
    probe.disconnect();
  }
}

/** A long-lived client as BullMQ wants it (commands wait through reconnections). */
export function redisClient(url: string, log: (line: string) => void): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: null });
  let lastError = "";
  client.on("error", (error: Error) => {
    // Said once per distinct error, not once per reconnection attempt.
    if (error.message === lastError) return;
    lastError = error.message;
    log(`redis ${redactUrl(url)}: ${error.message}`);
  });
  client.on("ready", () => {
    lastError = "";
  });
  return client;
}
