/**
 * `autosing worker --queue redis://…`: takes the jobs of `autosing serve --queue redis://…` (sing
 * and dataset processing) from BullMQ, one at a time, with warm models, until SIGTERM or SIGINT;
 * then it finishes or puts back its running job and exits 0. Run any number, on any machines that
 * share the server's state directory and see the models and datasets at the same paths.
 */
import { mkdir } from "node:fs/promises";

import { assertDatasetFolder } from "@autosing/parquet-io";
import { resolveModels } from "@autosing/pretrained";
import type { ServedDatasetOption } from "@autosing/server";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-codes.js";
import type { CliIo } from "../io.js";
import { asUserError } from "../shared/user-errors.js";

interface WorkerFlags {
  queue: string;
  models?: string;
  dataset: string[];
  state: string;
}

/** As `autosing serve`'s default (SERVE_DEFAULTS.state), so a worker beside a server finds its jobs' folders. */
const DEFAULT_STATE = "autosing-state";

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `--dataset [name=]<dir>` values as served datasets; names must be unique (they are how jobs name datasets). */
function servedDatasets(values: readonly string[], parse: (value: string) => ServedDatasetOption): ServedDatasetOption[] {
  const datasets: ServedDatasetOption[] = [];
  for (const value of values) {
    const dataset = parse(value);
    if (!/^[A-Za-z0-9._-]+$/.test(dataset.name)) throw new CliError(`autosing worker: --dataset ${value}: the name "${dataset.name}" may only hold letters, digits, ".", "_" and "-"; name it with --dataset <name>=<dir>`);
    if (datasets.some((other) => other.name === dataset.name)) throw new CliError(`autosing worker: --dataset ${value}: the name "${dataset.name}" is taken by another --dataset; name one of them with --dataset <name>=<dir>`);
    datasets.push(dataset);
  }
  return datasets;
}

/** Resolves once on the first SIGTERM or SIGINT; a second one ends the process at once (code 130). */
function firstSignal(io: CliIo): { received: Promise<NodeJS.Signals>; remove: () => void } {
  let resolveSignal: (signal: NodeJS.Signals) => void = () => undefined;
  const received = new Promise<NodeJS.Signals>((resolve) => (resolveSignal = resolve));
  let seen = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (seen) {
      io.stderr(`autosing worker: ${signal} again; stopping now (the running job is retried once its lock expires)\n`);
      process.exit(ExitCode.interrupted);
    }
    seen = true;
    resolveSignal(signal);
  };
  // Listening makes the CLI's interrupt handler stand aside (interrupt.ts): this command shuts down itself.
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return { received, remove: () => SIGNALS.forEach((signal) => process.off(signal, onSignal)) };
}

export function registerWorkerCommand(program: Command, io: CliIo): void {
  program
    .command("worker")
    .summary("take jobs of autosing serve --queue redis://… (sing, dataset processing) from Redis and run them")
    .description(
      "Runs the jobs that `autosing serve --queue redis://…` queues on BullMQ, one at a time, keeping the models loaded between jobs. " +
        "Start any number on any machines: each needs the same Redis, the server's --state directory (shared), the models directory and the datasets at the same paths and under the same names. " +
        "SIGTERM or SIGINT: the running job is finished or put back in the queue, then the worker exits 0.",
    )
    .requiredOption("--queue <url>", "the Redis of the server's --queue: redis://[user:password@]host:port[/db]")
    .option("--models <dir>", "the models directory (autosing import, autosing demo's <out>/models) the jobs' networks come from")
    .option("--dataset <[name=]dir>", "a dataset the jobs may process, under the name the server gives it (default: the folder's name); repeatable", collect, [])
    .option("--state <dir>", "the server's state directory (job folders: uploads and outputs), shared by every machine", DEFAULT_STATE)
    .action(async (flags: WorkerFlags) => {
      const log = (line: string): void => io.stderr(`autosing worker: ${line}\n`);
      const signals = firstSignal(io);
      try {
        let worker;
        try {
          // Loaded here, so other commands never pay for the server's import.
          const { parseDatasetOption, runQueueWorker } = await import("@autosing/server");
          const datasets = servedDatasets(flags.dataset, parseDatasetOption);
          for (const dataset of datasets) await assertDatasetFolder(dataset.dir);
          // A bad models directory fails now, not in the first job.
          if (flags.models !== undefined) await resolveModels(flags.models);
          await mkdir(flags.state, { recursive: true });
          worker = await runQueueWorker({ url: flags.queue, stateDir: flags.state, modelsDir: flags.models, datasets, log });
        } catch (error) {
          throw asUserError("worker", error);
        }
        const signal = await signals.received;
        log(`${signal}: finishing or putting back the running job`);
        await worker.close();
      } finally {
        signals.remove();
      }
    });
}
