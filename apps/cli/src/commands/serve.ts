/**
 * `autosing serve`: the HTTP API, the job queue and its workers, the sing page and the dataset
 * viewer (@autosing/server `startServer`). Runs until SIGTERM or SIGINT, then closes gracefully:
 * a running job finishes or goes back to the queue, no output is left half-written, exit 0.
 */
import type { Command } from "commander";

import type { CliIo } from "../io.js";
import { numberFlag, integerInRange, POSITIVE_NUMBER } from "../shared/number-flags.js";
import { withUserErrors } from "../shared/with-user-errors.js";

interface ServeFlags {
  host?: string;
  port?: number;
  models?: string;
  dataset: string[];
  state?: string;
  queue?: string;
  token?: string;
  insecure?: boolean;
  maxUploadMb?: number;
  workers?: number;
  backlog?: number;
}

/** The token may come from the environment, so it does not show in the process list. */
export const TOKEN_ENVIRONMENT_VARIABLE = "AUTOSING_TOKEN";

const HELP_AFTER = `
The API (every route under /api; OpenAPI document at /api/openapi.json):
  GET    /api/health                 status, loaded models, queue
  POST   /api/sing                   multipart: reference (file) or referenceId, lyrics, options → 202 { id }
  GET    /api/jobs/:id               state, progress, outputs, error
  GET    /api/jobs/:id/events        the same as server-sent events until the job is finished
  GET    /api/jobs/:id/outputs/:n    the audio (range requests work)
  DELETE /api/jobs/:id               cancels
  POST   /api/process                { dataset, step, partitions } → one processing job per partition
  GET    /api/datasets/…             served datasets, partitions and steps, rows (Arrow IPC), a row's audio

Pages: / (try sing) and /datasets (the dataset viewer).

Jobs and their files live under --state (one folder per job); they survive a restart. A host
other than loopback needs --token (clients send "Authorization: Bearer <token>"; the token may
also come from $${TOKEN_ENVIRONMENT_VARIABLE}) or --insecure. SIGTERM or Ctrl-C stops it gracefully.

Example:
  autosing demo --out autosing-demo
  autosing serve --models autosing-demo/models --dataset autosing-demo/corpus --state autosing-state
  curl -F reference=@song.wav -F vocals=@vocals.wav -F instrumental=@instrumental.wav \\
       -F lyrics=$'first line\\nsecond line' http://127.0.0.1:8080/api/sing`;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command("serve")
    .summary("start the HTTP server with the sing page and the dataset viewer")
    .description("Serves the HTTP API, runs sing and processing jobs in persistent worker processes that keep the models loaded, and serves the sing page and the dataset viewer.")
    .option("--host <host>", "address to listen on (default 127.0.0.1; any other needs --token or --insecure)")
    .option("--port <n>", "port (default 8080; 0 picks a free one)", numberFlag("serve", "--port", integerInRange(0, 65535)))
    .option("--models <dir>", "the models directory (autosing import; autosing demo writes <out>/models) the jobs sing with")
    .option("--dataset <[name=]dir>", "a dataset to serve (repeatable); the name defaults to the folder's name and must be unique", collect, [])
    .option("--state <dir>", "where jobs, uploads and outputs live (default ./autosing-state)")
    .option("--queue <url>", "redis://host:port[/db]: jobs go to BullMQ and autosing worker processes run them (default: the embedded queue)")
    .option("--token <secret>", `bearer token every /api request must carry (or $${TOKEN_ENVIRONMENT_VARIABLE})`)
    .option("--insecure", "allow a non-loopback --host without a token")
    .option("--max-upload-mb <mb>", "largest upload in megabytes (default 50)", numberFlag("serve", "--max-upload-mb", POSITIVE_NUMBER))
    .option("--workers <n>", "worker processes of the embedded queue (default 1)", numberFlag("serve", "--workers", integerInRange(1, 64)))
    .option("--backlog <n>", "queued jobs past which submissions get 429 (default 100)", numberFlag("serve", "--backlog", integerInRange(1, 1_000_000)))
    .addHelpText("after", HELP_AFTER)
    .action(async (flags: ServeFlags) => {
      await withUserErrors("serve", async () => {
        // Loaded here, so other commands never pay for the server's import.
        const { parseDatasetOption, startServer } = await import("@autosing/server/start");
        const token = flags.token ?? process.env[TOKEN_ENVIRONMENT_VARIABLE];
        const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
        const server = await startServer(
          defined({
            host: flags.host,
            port: flags.port,
            models: flags.models,
            datasets: flags.dataset.map(parseDatasetOption),
            state: flags.state,
            queue: flags.queue,
            token: token === "" ? undefined : token,
            insecure: flags.insecure,
            maxUploadBytes: flags.maxUploadMb === undefined ? undefined : Math.round(flags.maxUploadMb * 1000 * 1000),
            workers: flags.workers,
            backlog: flags.backlog,
            log: (line: string) => io.stderr(`autosing serve: ${line}\n`),
          }),
        );
        io.stdout(`${server.url}\n`);
        io.stderr(`autosing serve: listening on ${server.url} (Ctrl-C or SIGTERM stops it)\n`);
        const signal = await new Promise<NodeJS.Signals>((resolve) => {
          // Listening here makes the CLI's interrupt handler stand aside: a graceful close, exit 0.
          const stop = (received: NodeJS.Signals): void => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve(received);
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
        io.stderr(`autosing serve: ${signal}: closing (a running job finishes or goes back to the queue)\n`);
        await server.close();
        io.stderr("autosing serve: closed\n");
      });
    });
}
