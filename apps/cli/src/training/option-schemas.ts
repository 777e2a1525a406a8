/**
 * The zod building blocks of the training tasks' option schemas (`--task_args`,
 * `--dataset-config`, `--tunables`), with the messages `autosing train` has always printed.
 */
import { z } from "zod";

/** `--dataset-config`'s `path`: required and not empty; `pathIs` says what it names. */
export function datasetPath(pathIs: string) {
  const needed = `--dataset-config needs "path" (${pathIs})`;
  return z.string({ error: (issue) => (issue.input === undefined ? needed : undefined) }).min(1, { error: needed });
}

/** A required, non-empty string key whose absence has its own message (e.g. the artist file and how to make one). */
export function requiredString(missing: string) {
  return z.string({ error: (issue) => (issue.input === undefined ? missing : undefined) }).min(1, { error: missing });
}

/** `--task_args`'s `size`: one of the model's upstream sizes. */
export function modelSize<Size extends string>(task: string, sizes: Readonly<Record<Size, unknown>>) {
  const names = Object.keys(sizes) as [Size, ...Size[]];
  const oneOf = `(one of ${names.join(", ")})`;
  return z.enum(names, {
    error: (issue) => {
      if (issue.input === undefined || issue.input === "") return `--task_args needs "size" for ${task} ${oneOf}`;
      if (typeof issue.input === "string") return `unknown ${task} size "${issue.input}" ${oneOf}`;
      return `--task_args "size" must be a string, got ${JSON.stringify(issue.input)}`;
    },
  });
}

/** An upstream keyword argument that is accepted by name but refused when given, with `message` saying why. */
export function notSupportedYet(message: string) {
  return z.undefined({ error: message }).optional();
}

/** An optional positive integer (model dimensions). */
export function positiveInteger() {
  return z.int().min(1).optional().describe("a positive integer");
}

/**
 * A task's Tunables as a strict object: every key of `defaults` is optional and typed as its
 * default (a number or true/false). `clip_gradient_norm` may also be null: then the
 * `--clip-gradient-norm` flag applies (upstream: a value in the Tunables overrides the flag).
 */
export function tunablesOf<Tunables extends object>(defaults: Tunables) {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, value] of Object.entries(defaults)) {
    const type = typeof value === "boolean" ? z.boolean() : z.number();
    shape[key] = (key === "clip_gradient_norm" ? type.nullable() : type).optional();
  }
  return z.strictObject(shape) as unknown as z.ZodType<Partial<Tunables>> & { shape: Record<keyof Tunables, z.ZodType> };
}
