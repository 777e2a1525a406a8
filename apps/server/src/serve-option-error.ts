import { ServerError } from "./jobs/job-queue.js";

/** An option `startServer` cannot use: names the option (as `autosing serve` spells it) and how to fix it. */
export class ServeOptionError extends ServerError {
  constructor(
    readonly option: string,
    problem: string,
  ) {
    super(`${option}: ${problem}`);
  }
}
