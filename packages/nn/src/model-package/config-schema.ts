// The vocabulary model packages declare their upstream `config` and `tunables` dicts with (zod 4
// schemas). Each rule carries the detail its failure reports, so the messages read as they did
// when every package validated its dicts by hand: "must be a positive integer", "must be a number".
import { z } from "zod";

const POSITIVE_INTEGER = "must be a positive integer";
const POSITIVE_INTEGER_OR_NULL = "must be a positive integer or null";

/**
 * A positive integer (a width, a depth, a token count). `Number.isInteger` rather than zod's
 * `.int()`, which also refuses integers beyond 2^53: the rule accepts what the hand-written checks
 * it replaces accepted.
 */
export function positiveInteger(detail: string = POSITIVE_INTEGER): z.ZodNumber {
  return z
    .number({ error: detail })
    .refine((value) => Number.isInteger(value), { error: detail })
    .positive({ error: detail });
}

/** A positive integer or `null` (upstream's "same as the model width" widths). */
export function positiveIntegerOrNull(): z.ZodNullable<z.ZodNumber> {
  return positiveInteger(POSITIVE_INTEGER_OR_NULL).nullable();
}

/** A string or `null` (e.g. sm2a's delay `pattern`). */
export function stringOrNull(): z.ZodNullable<z.ZodString> {
  return z.string({ error: "must be a string or null" }).nullable();
}

/** A boolean switch of a config dict. */
export function booleanField(): z.ZodBoolean {
  return z.boolean({ error: "must be a boolean" });
}

/**
 * A key that may be absent or hold anything but `refused`: pipe it before the real schema to
 * refuse a value up front, e.g. t2s refuses `rope: false` whatever else the dict holds:
 * `z.looseObject({ rope: refusedValue(false, why) }).pipe(schema)`.
 */
export function refusedValue(refused: unknown, detail: string): z.ZodOptional<z.ZodUnknown> {
  return z
    .unknown()
    .refine((value) => !Object.is(value, refused), { error: detail })
    .optional();
}

/** The flat values an upstream Tunables dataclass holds. */
export type TunableValue = number | boolean;

export interface TunablesSchemaOptions<Tunables> {
  /**
   * Values for keys the dict lacks, where they differ from the defaults: old checkpoints predate
   * some tunables and mean their old behaviour (WhisperSpeech s2a `Tunables.upgrade`).
   */
  whenAbsent?: Partial<Tunables>;
  /**
   * Keys that are not tunables: `"strip"` (default) drops them silently; `{ reject: detail }`
   * refuses them with that detail, as upstream's `Tunables(**spec)` does.
   */
  unknownKeys?: "strip" | { reject: string };
  /** Keys dropped before anything is checked (stale fields upstream's loader also drops). */
  ignoredKeys?: readonly string[];
}

/**
 * The schema of an upstream Tunables dict, derived from its defaults: every key keeps its
 * default's type ("must be a number" / "must be a boolean") and takes the default when absent.
 * The parsed dict has the defaults' key order, so it serialises as before.
 */
export function tunablesSchema<Tunables extends { [Key in keyof Tunables]: TunableValue }>(
  defaults: Readonly<Tunables>,
  options: TunablesSchemaOptions<Tunables> = {},
): z.ZodType<Tunables, Record<string, unknown>> {
  const shape: Record<string, z.ZodType> = {};
  for (const [key, fallback] of Object.entries(defaults) as [keyof Tunables & string, TunableValue][]) {
    const initial = (options.whenAbsent?.[key] ?? fallback) as TunableValue;
    shape[key] = typeof fallback === "number" ? z.number({ error: "must be a number" }).default(initial as number) : z.boolean({ error: "must be a boolean" }).default(initial as boolean);
  }
  const unknownKeys = options.unknownKeys ?? "strip";
  const object =
    unknownKeys === "strip"
      ? z.object(shape)
      : z.strictObject(shape, { error: (issue) => (issue.code === "unrecognized_keys" ? unknownKeys.reject : undefined) });
  const ignored = options.ignoredKeys ?? [];
  const schema = ignored.length === 0 ? object : z.preprocess((raw) => withoutKeys(raw, ignored), object);
  return schema as unknown as z.ZodType<Tunables, Record<string, unknown>>;
}

/** `raw` without `keys` (left as it is when it is not a plain object, for the schema to refuse). */
function withoutKeys(raw: unknown, keys: readonly string[]): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  return Object.fromEntries(Object.entries(raw).filter(([key]) => !keys.includes(key)));
}
