/**
 * Job ids: 16 random URL-safe characters (96 bits), so an id is never guessed and never a path.
 * Every route checks an id against {@link JOB_ID_PATTERN} before it reaches the file system.
 */
import { randomBytes } from "node:crypto";

/** The JSON-schema pattern of a job id (routes' params). */
export const JOB_ID_PATTERN = "^[A-Za-z0-9_-]{16}$";
const JOB_ID = new RegExp(JOB_ID_PATTERN);

export function newJobId(): string {
  return randomBytes(12).toString("base64url");
}

export function isJobId(value: string): boolean {
  return JOB_ID.test(value);
}
