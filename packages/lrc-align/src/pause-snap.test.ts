import { describe, expect, it } from "vitest";

import { snapWordStartsPastPauses } from "./pause-snap.js";

/** Quiet mask from a pattern: "#" loud, "." quiet, one character per frame. */
const mask = (pattern: string) => [...pattern].map((c) => c === ".");

describe("snapWordStartsPastPauses", () => {
  it("moves a word that starts on the previous word's tail past the pause", () => {
    // Word A: frames 0–19; a 20-frame pause; word B sung at 42–59 but warped to start at 18.
    const quiet = mask(`${"#".repeat(20)}${".".repeat(22)}${"#".repeat(18)}`);
    const spans = { starts: Int32Array.from([0, 10, 18, 50]), ends: Int32Array.from([10, 22, 50, 60]) };
    snapWordStartsPastPauses(spans, [true, false, true, false], quiet);
    expect([...spans.starts]).toEqual([0, 10, 42, 50]);
    expect([...spans.ends]).toEqual([10, 20, 50, 60]);
  });

  it("leaves a word alone when the pause comes after most of its sound, or is short", () => {
    const late = mask(`${"#".repeat(30)}${".".repeat(20)}${"#".repeat(5)}`);
    const spans = { starts: Int32Array.from([0, 20]), ends: Int32Array.from([20, 55]) };
    snapWordStartsPastPauses(spans, [true, false], late);
    expect([...spans.starts]).toEqual([0, 20]);
    // A stop closure (8 quiet frames) is not a pause.
    const closure = mask(`${"#".repeat(3)}${".".repeat(8)}${"#".repeat(30)}`);
    const word = { starts: Int32Array.from([0, 11]), ends: Int32Array.from([11, 41]) };
    snapWordStartsPastPauses(word, [true, false], closure);
    expect([...word.starts]).toEqual([0, 11]);
  });
});
