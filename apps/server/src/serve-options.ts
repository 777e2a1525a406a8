/**
 * What `autosing serve` is started with (its flags, under the library's names). One type for the
 * CLI, the tests and a program that embeds the server.
 */

/** A dataset the server serves, named by the server's configuration (never by a client path). */
export interface ServedDatasetOption {
  /** Unique among the served datasets; `[A-Za-z0-9._-]+`. */
  readonly name: string;
  /** The dataset folder (`<dir>/<n>/index.parquet` …). */
  readonly dir: string;
}

export interface ServeOptions {
  /** Default 127.0.0.1; any other host needs `token` or `insecure`. */
  readonly host?: string;
  /** Default 8080; 0 picks a free port (tests). */
  readonly port?: number;
  /** The models directory (`models.json`) that `autosing import` and `autosing demo` write. */
  readonly models?: string;
  readonly datasets?: readonly ServedDatasetOption[];
  /** Jobs, uploads and outputs live here (default `./autosing-state`). */
  readonly state?: string;
  /** `redis://…`: jobs go to BullMQ and `autosing worker` processes run them; absent: the embedded queue. */
  readonly queue?: string;
  /** Bearer token every `/api` request must carry. */
  readonly token?: string;
  /** Allows a non-loopback host without a token. */
  readonly insecure?: boolean;
  /** Largest upload in bytes (default 50 MB). */
  readonly maxUploadBytes?: number;
  /** Worker processes of the embedded queue (default 1). */
  readonly workers?: number;
  /** Queued jobs past which submissions get 429 (default 100). */
  readonly backlog?: number;
  /** One line per request and per job transition (default: stderr). */
  readonly log?: (line: string) => void;
}

export const SERVE_DEFAULTS = {
  host: "127.0.0.1",
  port: 8080,
  state: "autosing-state",
  maxUploadBytes: 50 * 1000 * 1000,
  workers: 1,
  backlog: 100,
} as const;

/** `--dataset [name=]<dir>`: the name defaults to the folder's name. */
export function parseDatasetOption(value: string): ServedDatasetOption {
  const equals = value.indexOf("=");
  if (equals > 0 && /^[A-Za-z0-9._-]+$/.test(value.slice(0, equals))) return { name: value.slice(0, equals), dir: value.slice(equals + 1) };
  const trimmed = value.replace(/[\\/]+$/, "");
  const name = trimmed.split(/[\\/]/).at(-1) ?? trimmed;
  return { name, dir: value };
}
