/**
 * The embedded queue's durable store: one folder per job, `<state>/jobs/<id>/`, holding
 * `job.json` (the record, replaced atomically on every change), the job's uploads and its
 * outputs. A crash at any point leaves each `job.json` either the old or the new record, never
 * a torn one. File-per-job rather than SQLite: measured in the README (the store is not the
 * bottleneck, and better-sqlite3 would need a native build in every clean install).
 */
import { mkdir, readFile, readdir, rm } from "node:fs/promises";
import { join, resolve } from "node:path";

import { writeFileAtomic } from "@autosing/base";

import { JOB_STATES, type JobRecord } from "./job.js";
import { isJobId } from "./job-id.js";
import { ServerError } from "./job-queue.js";

export const JOB_FILE = "job.json";

/** A `job.json` that cannot be used (named, with why); the store skips it and says so. */
export class JobFileError extends ServerError {
  constructor(
    readonly file: string,
    reason: string,
    options?: ErrorOptions,
  ) {
    super(`${file}: ${reason}`, options);
  }
}

export class JobStore {
  readonly jobsDir: string;

  constructor(stateDir: string) {
    this.jobsDir = join(resolve(stateDir), "jobs");
  }

  /** The job's folder; the id is checked so a bad one can never name another path. */
  folder(id: string): string {
    if (!isJobId(id)) throw new ServerError(`"${id}" is not a job id`);
    return join(this.jobsDir, id);
  }

  /** Creates the job's folder (uploads are written into it before the record). */
  async createFolder(id: string): Promise<string> {
    const folder = this.folder(id);
    await mkdir(folder, { recursive: true });
    return folder;
  }

  async write(record: JobRecord): Promise<void> {
    await writeFileAtomic(join(await this.createFolder(record.id), JOB_FILE), `${JSON.stringify(record, null, 1)}\n`);
  }

  /**
   * Every job under `<state>/jobs`: folders without a `job.json` (an upload whose submission
   * never completed) are removed; an unreadable record is reported through `warn` and left alone.
   */
  async loadAll(warn: (line: string) => void): Promise<JobRecord[]> {
    await mkdir(this.jobsDir, { recursive: true });
    const records: JobRecord[] = [];
    for (const entry of await readdir(this.jobsDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || !isJobId(entry.name)) continue;
      const file = join(this.jobsDir, entry.name, JOB_FILE);
      let text: string;
      try {
        text = await readFile(file, "utf8");
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          await rm(join(this.jobsDir, entry.name), { recursive: true, force: true });
          continue;
        }
        warn(`skipped ${file}: ${(error as Error).message}`);
        continue;
      }
      try {
        records.push(parseJobRecord(text, file, entry.name));
      } catch (error) {
        warn(`skipped ${(error as Error).message}`);
      }
    }
    return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** A record read back from disk, checked enough that the queue can trust its state and id. */
export function parseJobRecord(text: string, file: string, id: string): JobRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new JobFileError(file, `is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const record = value as Partial<JobRecord> | null;
  if (record === null || typeof record !== "object") throw new JobFileError(file, "is not a job record");
  if (record.id !== id) throw new JobFileError(file, `records id ${String(record.id)} in the folder of ${id}`);
  if (!JOB_STATES.includes(record.state as never)) throw new JobFileError(file, `has an unknown state ${String(record.state)}`);
  if (typeof record.input !== "object" || record.input === null) throw new JobFileError(file, "has no input");
  if (!Array.isArray(record.outputs) || !record.outputs.every((name) => typeof name === "string" && !name.includes(".."))) throw new JobFileError(file, "has bad outputs");
  return record as JobRecord;
}
