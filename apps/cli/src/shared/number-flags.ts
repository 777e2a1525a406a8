/**
 * The numeric flags of every command, read one way: the text must not be blank, `Number(text)`
 * must be finite (so `1e3` and `0x10` read as JavaScript reads them), and the number must meet
 * the flag's zod rule. A bad value is a {@link FlagError} that names the flag, the text and what
 * the rule expects.
 */
import { InvalidArgumentError } from "commander";
import { z } from "zod";

import { FlagError } from "./flag-error.js";

/** What a numeric flag accepts: a zod schema of the number, and the words that say so in errors. */
export interface NumberRule<Value extends number = number> {
  readonly schema: z.ZodType<Value, number>;
  /** Completes "must be …": "an integer ≥ 1", "a number in [0, 1]". */
  readonly expected: string;
}

/** Blank text is refused here: `Number("")` is 0, which no flag means. `z.number()` refuses NaN and ±Infinity. */
const numberText = z
  .string()
  .refine((text) => text.trim() !== "")
  .transform(Number);

export function numberRule<Value extends number>(schema: z.ZodType<Value, number>, expected: string): NumberRule<Value> {
  return { schema, expected };
}

/** An integer of at least `min`; `atLeast` is the sign the messages use ("≥", or ">=" where a command always wrote that). */
export function integerAtLeast(min: number, atLeast: "≥" | ">=" = "≥"): NumberRule {
  return numberRule(z.int().min(min), `an integer ${atLeast} ${min}`);
}

/** An integer in `min..max`, both included. */
export function integerInRange(min: number, max: number): NumberRule {
  return numberRule(z.int().min(min).max(max), `an integer in ${min}..${max}`);
}

export const INTEGER: NumberRule = numberRule(z.int(), "an integer");
export const POSITIVE_INTEGER: NumberRule = numberRule(z.int().min(1), "a positive integer");
export const NON_NEGATIVE_INTEGER: NumberRule = numberRule(z.int().min(0), "a non-negative integer");
export const POSITIVE_NUMBER: NumberRule = numberRule(z.number().positive(), "a positive number");
export const NON_NEGATIVE_NUMBER: NumberRule = numberRule(z.number().min(0), "a number ≥ 0");
export const ANY_NUMBER: NumberRule = numberRule(z.number(), "a number");
/** eSpeak's speaking rate for the DTW reference (`align`, `process align`). */
export const WORDS_PER_MINUTE: NumberRule = numberRule(z.number().min(80).max(450), "a number of words per minute in 80..450");

/** `text` read by `rule`, or undefined when it does not meet it. */
export function readNumber<Value extends number>(text: string, rule: NumberRule<Value>): Value | undefined {
  const result = numberText.pipe(rule.schema).safeParse(text);
  return result.success ? result.data : undefined;
}

/** Reads a flag's text: `autosing <command>: <flag> must be <expected>, got "<text>"` when it does not fit. */
export function parseNumberFlag<Value extends number>(command: string, flag: string, text: string, rule: NumberRule<Value>): Value {
  const value = readNumber(text, rule);
  if (value === undefined) throw new FlagError(`autosing ${command}: ${flag} must be ${rule.expected}, got "${text}"`);
  return value;
}

/** {@link parseNumberFlag} as a commander option parser, so the flag arrives as a number. */
export function numberFlag(command: string, flag: string, rule: NumberRule): (text: string) => number {
  return (text) => parseNumberFlag(command, flag, text, rule);
}

/**
 * A commander parser whose bad values are commander's own usage errors, which name the option
 * or argument themselves: `error: command-argument value 'x' is invalid for argument 'n'.
 * expected a non-negative integer, got "x"` (construct-dataset's wording).
 */
export function numberArgument(rule: NumberRule): (text: string) => number {
  return (text) => {
    const value = readNumber(text, rule);
    if (value === undefined) throw new InvalidArgumentError(`expected ${rule.expected}, got "${text}"`);
    return value;
  };
}
