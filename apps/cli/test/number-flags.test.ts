import { describe, expect, it } from "vitest";
import { z } from "zod";

import { CliError } from "../src/errors.js";
import { ExitCode } from "../src/exit-codes.js";
import { FlagError } from "../src/shared/flag-error.js";
import { INTEGER, POSITIVE_INTEGER, integerAtLeast, numberArgument, numberRule, parseNumberFlag, readNumber } from "../src/shared/number-flags.js";

describe("numeric flags", () => {
  it("read the text as JavaScript numbers and check the rule", () => {
    expect(readNumber("12", POSITIVE_INTEGER)).toBe(12);
    expect(readNumber(" 7 ", POSITIVE_INTEGER)).toBe(7);
    expect(readNumber("1e3", POSITIVE_INTEGER)).toBe(1000);
    expect(readNumber("-3", INTEGER)).toBe(-3);
    expect(readNumber("0.25", numberRule(z.number().min(0).max(1), "a fraction"))).toBe(0.25);
    for (const bad of ["", "  ", "x", "1.5", "0", "Infinity", "NaN"]) expect(readNumber(bad, POSITIVE_INTEGER)).toBeUndefined();
  });

  it("name the command, the flag, what is expected and the bad text in a usage error", () => {
    const read = () => parseNumberFlag("train", "--batch-size", "0", integerAtLeast(1));
    expect(read).toThrow(FlagError);
    expect(read).toThrow('autosing train: --batch-size must be an integer ≥ 1, got "0"');
    try {
      read();
    } catch (error) {
      // A bad flag value is a usage error (exit-code table).
      expect(CliError.isInstance(error) && error.exitCode).toBe(ExitCode.usage);
    }
    expect(() => parseNumberFlag("corpus make", "--songs", "two", integerAtLeast(1, ">="))).toThrow('autosing corpus make: --songs must be an integer >= 1, got "two"');
  });

  it("leave the wording to commander for construct-dataset's arguments", () => {
    expect(numberArgument(INTEGER)("-4")).toBe(-4);
    expect(() => numberArgument(INTEGER)("many")).toThrow(expect.objectContaining({ code: "commander.invalidArgument", message: 'expected an integer, got "many"' }));
  });
});
