/**
 * Starts the Fastify app of `buildApp` on a loopback port for tests of the routes that need no
 * job queue (the dataset API, the pages' static files). The queue given to it refuses every call,
 * so a test that reaches a job route by mistake fails loudly instead of passing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { FastifyInstance } from "fastify";

import { buildApp } from "../../src/http/app.js";
import type { JobQueue } from "../../src/jobs/job-queue.js";
import type { ServedDatasetOption } from "../../src/serve-options.js";

export interface ListeningApp {
  readonly app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  close(): Promise<void>;
}

function refusingQueue(): JobQueue {
  const refuse = (): never => {
    throw new Error("listen-app: this test server has no job queue (start the real server for job routes)");
  };
  return { submit: refuse, get: refuse, cancel: refuse, subscribe: refuse, jobFolder: refuse, status: refuse, close: async () => {} };
}

export async function listenApp(options: { datasets?: readonly ServedDatasetOption[]; modelsDir?: string; queue?: JobQueue } = {}): Promise<ListeningApp> {
  const app = await buildApp({
    queue: options.queue ?? refusingQueue(),
    datasets: options.datasets ?? [],
    modelsDir: options.modelsDir,
    stateDir: mkdtempSync(join(tmpdir(), "autosing-state-")),
    maxUploadBytes: 50_000_000,
    log: () => {},
  });
  const address = await app.listen({ host: "127.0.0.1", port: 0 });
  return { app, url: address, close: () => app.close() };
}
