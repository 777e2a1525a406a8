/** The Redis of `--queue`: a URL that is not one, or a Redis that does not answer (no ioredis import: the CLI's exit-code table loads this). */
import { ServerError } from "./job-queue.js";

/** `--queue` is not a `redis://` / `rediss://` URL. */
export class QueueUrlError extends ServerError {
  constructor(readonly url: string) {
    super(`--queue ${url}: expected a Redis URL, redis://[user:password@]host:port[/db] (or rediss:// for TLS)`);
  }
}

/** Redis did not answer at the URL (down, wrong host or port, refused credentials). */
export class RedisUnreachableError extends ServerError {
  constructor(
    readonly url: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach Redis at ${redactUrl(url)}: ${reason}; start redis-server there or pass the right --queue redis://host:port`, options);
  }
}

/** The URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");
}
