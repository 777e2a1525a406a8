import { describe, expect, it } from "vitest";
import { z } from "zod";

import { configReader, requirePositiveIntegers } from "./config-reader.js";
import { refusedValue, tunablesSchema } from "./config-schema.js";
import { DEFAULT_TOY_TUNABLES, parseToyConfig, parseToyTunables, ToyConfigError, ToyError } from "./__fixtures__/toy-model.js";

/** The message of what `parse` throws, or "no error". */
function failure(parse: () => unknown): string {
  try {
    parse();
  } catch (error) {
    expect(ToyConfigError.isInstance(error)).toBe(true);
    expect(ToyError.isInstance(error)).toBe(true);
    return (error as Error).message;
  }
  return "no error";
}

describe("config schemas (nn model-package vocabulary) read through configReader", () => {
  it("fill defaults, drop unknown keys and keep the schema's key order", () => {
    const config = parseToyConfig({ bias: false, width: 4, extra: 1 });
    expect(config).toEqual({ width: 4, inputs: 2, hidden: null, pattern: null, bias: false });
    expect(Object.keys(config)).toEqual(["width", "inputs", "hidden", "pattern", "bias"]);
  });

  it("refuse a bad field with the model's config error: field, JSON value and the rule's detail", () => {
    expect(failure(() => parseToyConfig({}))).toBe("toy config width = undefined: must be a positive integer");
    expect(failure(() => parseToyConfig({ width: 0 }))).toBe("toy config width = 0: must be a positive integer");
    expect(failure(() => parseToyConfig({ width: 2.5 }))).toBe("toy config width = 2.5: must be a positive integer");
    expect(failure(() => parseToyConfig({ width: "4" }))).toBe('toy config width = "4": must be a positive integer');
    expect(failure(() => parseToyConfig({ width: 4, hidden: 0 }))).toBe("toy config hidden = 0: must be a positive integer or null");
    expect(failure(() => parseToyConfig({ width: 4, pattern: 3 }))).toBe("toy config pattern = 3: must be a string or null");
    expect(failure(() => parseToyConfig({ width: 4, bias: 1 }))).toBe("toy config bias = 1: must be a boolean");
    // Integers beyond 2^53 pass, as the hand-written checks let them.
    expect(parseToyConfig({ width: 2 ** 60 }).width).toBe(2 ** 60);
  });

  it("report the first bad field in schema order, or in the dict's order when asked", () => {
    expect(failure(() => parseToyConfig({ bias: 1, width: 0 }))).toBe("toy config width = 0: must be a positive integer");
    const inInputOrder = configReader(z.object({ a: z.number({ error: "must be a number" }), b: z.number({ error: "must be a number" }) }), ToyConfigError, { reportOrder: "input" });
    expect(failure(() => inInputOrder({ b: "x", a: "y" }))).toBe('toy config b = "x": must be a number');
  });

  it("tunablesSchema: the defaults' types and values, whenAbsent for old dicts, unknown keys stripped or refused", () => {
    const tunables = parseToyTunables({ lr0: 0.5, something: 1 });
    expect(tunables).toEqual({ ...DEFAULT_TOY_TUNABLES, lr0: 0.5 });
    expect(Object.keys(tunables)).toEqual(Object.keys(DEFAULT_TOY_TUNABLES));
    expect(failure(() => parseToyTunables({ lr0: "0.5" }))).toBe('toy config tunables.lr0 = "0.5": must be a number');
    expect(failure(() => parseToyTunables({ rope: 1 }))).toBe("toy config tunables.rope = 1: must be a boolean");

    const upgraded = configReader(tunablesSchema(DEFAULT_TOY_TUNABLES, { whenAbsent: { rope: false } }), ToyConfigError);
    expect(upgraded({}).rope).toBe(false);
    expect(upgraded({ rope: true }).rope).toBe(true);

    const strict = configReader(tunablesSchema(DEFAULT_TOY_TUNABLES, { unknownKeys: { reject: "is not a toy tunable" }, ignoredKeys: ["stale"] }), ToyConfigError, {
      fieldPrefix: "tunables.",
      reportOrder: "input",
    });
    expect(strict({ stale: 3, lr0: 1 })).toEqual({ ...DEFAULT_TOY_TUNABLES, lr0: 1 });
    expect(failure(() => strict({ q0_loss_mult: 1 }))).toBe("toy config tunables.q0_loss_mult = 1: is not a toy tunable");
    expect(failure(() => strict({ lr0: "x", q0_loss_mult: 1 }))).toBe('toy config tunables.lr0 = "x": must be a number');
    expect(failure(() => strict({ q0_loss_mult: 1, lr0: "x" }))).toBe("toy config tunables.q0_loss_mult = 1: is not a toy tunable");
  });

  it("refusedValue refuses one value up front and lets the key through otherwise (not into the result)", () => {
    const schema = z.looseObject({ rope: refusedValue(false, "has no rope switch") }).pipe(tunablesSchema({ lr0: 1 }));
    const parse = configReader(schema, ToyConfigError, { fieldPrefix: "tunables." });
    expect(failure(() => parse({ rope: false, lr0: "bad" }))).toBe("toy config tunables.rope = false: has no rope switch");
    expect(parse({ rope: true })).toEqual({ lr0: 1 });
    expect(parse({})).toEqual({ lr0: 1 });
  });

  it("requirePositiveIntegers guards configs built in code", () => {
    expect(() => requirePositiveIntegers({ width: 4, inputs: 2 }, ["width", "inputs"], ToyConfigError)).not.toThrow();
    expect(failure(() => requirePositiveIntegers({ width: 4, inputs: -2 }, ["width", "inputs"], ToyConfigError))).toBe("toy config inputs = -2: must be a positive integer");
  });
});
