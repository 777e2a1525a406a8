/**
 * `startServer(options)`: checks the options, opens the queue (embedded, or BullMQ with
 * `queue: "redis://…"`), builds the app and listens. `autosing serve` is a thin wrapper over it;
 * tests and programs that embed the server call it directly.
 */
import { stat } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { isIP } from "node:net";
import { join, resolve } from "node:path";

import type { FastifyInstance } from "fastify";

import { buildApp } from "./http/app.js";
import type { ServerContext } from "./http/server-context.js";
import { createEmbeddedQueue } from "./jobs/embedded-queue.js";
import type { JobQueue } from "./jobs/job-queue.js";
import { ServeOptionError } from "./serve-option-error.js";
import { SERVE_DEFAULTS, type ServeOptions, type ServedDatasetOption } from "./serve-options.js";


export interface RunningServer {
  /** `http://host:port` (the port the system chose when `port` was 0). */
  readonly url: string;
  readonly app: FastifyInstance;
  readonly queue: JobQueue;
  /** Stops taking requests and jobs; a running job finishes or goes back to the queue; nothing is left half-written. */
  close(): Promise<void>;
}

/** Hosts that only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  if (host === "localhost" || host === "::1" || host === "[::1]") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

function integer(option: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new ServeOptionError(option, `expected a whole number from ${min} to ${max}, got ${value}`);
  return value;
}

async function checkDatasets(datasets: readonly ServedDatasetOption[]): Promise<ServedDatasetOption[]> {
  const seen = new Set<string>();
  const checked: ServedDatasetOption[] = [];
  for (const dataset of datasets) {
    if (!/^[A-Za-z0-9._-]+$/.test(dataset.name) || /^\.+$/.test(dataset.name)) throw new ServeOptionError("--dataset", `"${dataset.name}" is not a dataset name (letters, digits, ".", "_", "-"); give one as name=<dir>`);
    if (seen.has(dataset.name)) throw new ServeOptionError("--dataset", `two datasets are named "${dataset.name}"; name one of them with name=<dir>`);
    seen.add(dataset.name);
    const info = await stat(dataset.dir).catch(() => undefined);
    if (!info?.isDirectory()) throw new ServeOptionError("--dataset", `${dataset.dir} (dataset "${dataset.name}") is not a folder`);
    checked.push({ name: dataset.name, dir: resolve(dataset.dir) });
  }
  return checked;
}

/** The checked options with every default filled in. */
export async function resolveServeOptions(options: ServeOptions): Promise<Required<Omit<ServeOptions, "models" | "queue" | "token">> & Pick<ServeOptions, "models" | "queue" | "token">> {
  const host = options.host ?? SERVE_DEFAULTS.host;
  const token = options.token;
  if (token !== undefined && token.length < 8) throw new ServeOptionError("--token", "use at least 8 characters (a random string: openssl rand -hex 16)");
  if (!isLoopbackHost(host) && token === undefined && options.insecure !== true) {
    throw new ServeOptionError("--host", `${host} is reachable from other machines: give --token <secret> (clients send Authorization: Bearer <secret>), or --insecure to serve it without one`);
  }
  const queue = options.queue;
  if (queue !== undefined && !/^rediss?:\/\//.test(queue)) throw new ServeOptionError("--queue", `expected redis://host:port[/db], got "${queue}"`);
  const models = options.models === undefined ? undefined : resolve(options.models);
  // A models directory without its manifest fails now, not at the first job (the manifest itself is read at the first job: its library loads slowly).
  if (models !== undefined && !(await stat(join(models, "models.json")).then((info) => info.isFile(), () => false))) {
    throw new ServeOptionError("--models", `${models} has no models.json: give the folder autosing demo (<out>/models) or autosing import wrote`);
  }
  const maxUploadBytes = options.maxUploadBytes ?? SERVE_DEFAULTS.maxUploadBytes;
  if (!Number.isFinite(maxUploadBytes) || maxUploadBytes < 1) throw new ServeOptionError("--max-upload-mb", `expected a size > 0, got ${maxUploadBytes} bytes`);
  return {
    host,
    port: integer("--port", options.port ?? SERVE_DEFAULTS.port, 0, 65535),
    models,
    datasets: await checkDatasets(options.datasets ?? []),
    state: resolve(options.state ?? SERVE_DEFAULTS.state),
    queue,
    token,
    insecure: options.insecure ?? false,
    maxUploadBytes,
    workers: integer("--workers", options.workers ?? SERVE_DEFAULTS.workers, 1, 64),
    backlog: integer("--backlog", options.backlog ?? SERVE_DEFAULTS.backlog, 1, 1_000_000),
    log: options.log ?? ((line: string) => process.stderr.write(`${line}\n`)),
  };
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const resolved = await resolveServeOptions(options);
  const { log } = resolved;
  let queue: JobQueue;
  if (resolved.queue !== undefined) {
    // Loaded only when asked for: the embedded server does not pay for BullMQ's import.
    const { createBullmqQueue } = await import("./jobs/bullmq-queue.js");
    queue = await createBullmqQueue({ url: resolved.queue, stateDir: resolved.state, backlog: resolved.backlog, log });
  } else {
    const threads = Math.max(1, Math.floor(availableParallelism() / resolved.workers));
    queue = await createEmbeddedQueue({ stateDir: resolved.state, modelsDir: resolved.models, datasets: resolved.datasets, workers: resolved.workers, backlog: resolved.backlog, threads, log });
  }
  const context: ServerContext = { queue, datasets: resolved.datasets, modelsDir: resolved.models, stateDir: resolved.state, maxUploadBytes: resolved.maxUploadBytes, log, ...(resolved.token === undefined ? {} : { token: resolved.token }) };
  let app: FastifyInstance;
  let address: string;
  try {
    app = await buildApp(context);
    address = await app.listen({ host: resolved.host, port: resolved.port });
  } catch (error) {
    await queue.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE") throw new ServeOptionError("--port", `${resolved.port} is already in use on ${resolved.host}; choose another port (0 picks a free one)`);
    if (code === "EACCES") throw new ServeOptionError("--port", `${resolved.port} may not be opened by this user on ${resolved.host} (ports below 1024 need privileges); choose a port from 1024`);
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND") throw new ServeOptionError("--host", `${resolved.host} is not an address of this machine`);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: address,
    app,
    queue,
    close(): Promise<void> {
      // Jobs first (a running one finishes or is requeued), then the HTTP side, event streams included.
      closing ??= queue.close().then(() => app.close());
      return closing;
    },
  };
}
