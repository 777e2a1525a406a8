// Turns a model's zod schema into the `parseXConfig` / `parseXTunables` functions its package
// exports: the parsed dict on success, or the package's own config error naming the first bad
// field, its value and the rule's detail (`t2s config n_head = 0: must be a positive integer`).
import type { z } from "zod";

import { positiveInteger } from "./config-schema.js";
import type { ConfigErrorClass } from "./model-definition.js";

export interface ConfigReaderOptions {
  /** Prefix of the field names errors report: `"tunables."` for a tunables dict. */
  fieldPrefix?: string;
  /**
   * Which bad field is reported when there are several: the first in the schema's field order
   * (default), or the first in the dict's own key order (upstream `Tunables(**spec)` reads its
   * keyword arguments in that order).
   */
  reportOrder?: "schema" | "input";
}

/** One refused value: which field, what it held, why. */
interface ConfigProblem {
  field: string;
  value: unknown;
  detail: string;
}

/** A parser of upstream dicts that throws `ErrorClass(field, value, detail)` for the first problem. */
export function configReader<Parsed>(
  schema: z.ZodType<Parsed, Record<string, unknown>>,
  ErrorClass: ConfigErrorClass,
  options: ConfigReaderOptions = {},
): (raw: Record<string, unknown>) => Parsed {
  const prefix = options.fieldPrefix ?? "";
  return (raw) => {
    const result = schema.safeParse(raw, { reportInput: true });
    if (result.success) return result.data;
    const problems = result.error.issues.flatMap(problemsOf);
    if (options.reportOrder === "input") {
      const position = (field: string): number => {
        const index = Object.keys(raw).indexOf(field);
        return index < 0 ? Number.POSITIVE_INFINITY : index;
      };
      problems.sort((a, b) => position(a.field) - position(b.field));
    }
    const first = problems[0] ?? { field: "", value: raw, detail: result.error.message };
    throw new ErrorClass(`${prefix}${first.field}`, first.value, first.detail);
  };
}

/** The problems one zod issue stands for: an unrecognized-keys issue names several fields. */
function problemsOf(issue: z.core.$ZodIssue): ConfigProblem[] {
  if (issue.code === "unrecognized_keys") {
    const input = (issue.input ?? {}) as Record<string, unknown>;
    return issue.keys.map((key) => ({ field: key, value: input[key], detail: issue.message }));
  }
  return [{ field: issue.path.map(String).join("."), value: issue.input, detail: issue.message }];
}

/**
 * Checks that the `fields` of an already typed config are positive integers (the dimensions
 * functions' guard for configs built in code rather than parsed), throwing `ErrorClass` for the
 * first that is not.
 */
export function requirePositiveIntegers<Config>(config: Config, fields: readonly (keyof Config & string)[], ErrorClass: ConfigErrorClass): void {
  const rule = positiveInteger();
  for (const field of fields) {
    const value = config[field];
    if (!rule.safeParse(value).success) throw new ErrorClass(field, value, "must be a positive integer");
  }
}
