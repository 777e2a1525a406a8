/**
 * Runs `work`, turning its user errors into CliErrors named after `commandName` (see
 * `asUserError`). The exit-code table, which loads every package it names, is imported only
 * when something fails: `serve` and `worker` start without it.
 */
export async function withUserErrors<T>(commandName: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const { asUserError } = await import("./user-errors.js");
    throw asUserError(commandName, error);
  }
}
