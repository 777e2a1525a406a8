/**
 * The JSON flags of `autosing train` (`--task_args`, `--dataset-config`, `--tunables`, and the
 * dataset config `train artists` takes): text → object, then the object → the task's typed
 * options through a zod schema of its keys.
 */
import type { JsonObject } from "@autosing/trainer";
import type { z } from "zod";

import { FlagError } from "../shared/flag-error.js";

/** The words for a JSON type in "must be …". */
const JSON_TYPE_WORDS: Readonly<Record<string, string>> = { string: "a string", number: "a number", int: "an integer", boolean: "true or false" };

/** The object a JSON flag holds; empty text is `{}` (upstream: `json.loads(args) if len(args) > 0 else {}`). */
export function parseJsonFlag(flag: string, text: string): JsonObject {
  if (text.trim() === "") return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new FlagError(`autosing train: ${flag} is not valid JSON (${(error as Error).message}): ${text}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FlagError(`autosing train: ${flag} must be a JSON object, got ${text}`);
  }
  return value as JsonObject;
}

/**
 * Reads a JSON flag's object with the zod schema of its keys (a strict object: its keys, in
 * order, are the known ones). One problem is reported: unknown keys first, then the first key
 * in schema order that is wrong. A field's own `error` words its problem (e.g. a required key);
 * otherwise it reads `<flag> "<key>" must be <expected>, got <value>`, where `<expected>` is the
 * field's `description` or the JSON type it wants.
 */
export function readFlagObject<Shape extends z.ZodRawShape, Output>(flag: string, schema: z.ZodType<Output> & { shape: Shape }, value: unknown): Output {
  const known = Object.keys(schema.shape);
  const result = schema.safeParse(value, {
    reportInput: true,
    error: (issue) => {
      if (issue.code === "unrecognized_keys") {
        return `${flag} has unknown key${issue.keys.length > 1 ? "s" : ""} ${issue.keys.join(", ")} (known: ${known.join(", ")})`;
      }
      const key = String(issue.path?.[0] ?? "");
      const typeWords = issue.code === "invalid_type" ? JSON_TYPE_WORDS[issue.expected] : undefined;
      const expected = (schema.shape[key] as z.ZodType | undefined)?.description ?? typeWords ?? "valid";
      return `${flag} "${key}" must be ${expected}, got ${JSON.stringify(issue.input)}`;
    },
  });
  if (result.success) return result.data;
  const issue = result.error.issues.find((candidate) => candidate.code === "unrecognized_keys") ?? result.error.issues[0];
  throw new FlagError(`autosing train: ${issue?.message ?? `${flag} is not valid`}`);
}
