// Property tests for the LRC and raw-lyrics parsers, which read user files: arbitrary text (and
// text made of LRC-like pieces) fails only with an LrcAlignError and otherwise gives finite,
// sorted times; LRC written from timed lines parses back to them. Seeded: failures reproduce.
import fc from "fast-check";
import { describe, expect, it } from "vitest";

import { LrcAlignError, looksLikeLrc, parseLrc, parseRawLyrics } from "./index.js";

const runs = { seed: 42, numRuns: 200 };

function onlyOwnErrors(parse: () => unknown): void {
  try {
    parse();
  } catch (error) {
    if (!LrcAlignError.isInstance(error)) throw error;
  }
}

/** Lines assembled from the pieces LRC files are made of, valid or not, joined by any line ending. */
const lrcLike = fc
  .array(
    fc.array(
      fc.oneof(
        fc.constantFrom("[00:12.34]", "[1:2]", "[01:61.00]", "[999:59.999]", "[00:00:50]", "[01:6x.00]", "[offset:+250]", "[offset:soon]", "[ar:Someone]", "[Chorus]", "<00:01.20>", "[", "]", ":", " ", "\uFEFF", "مرحبا", "🎵"),
        fc.string({ maxLength: 6 }),
      ),
      { maxLength: 5 },
    ).map((parts) => parts.join("")),
    { maxLength: 8 },
  )
  .chain((lines) => fc.constantFrom("\n", "\r\n", "\r").map((eol) => lines.join(eol)));

describe("parseLrc on hostile text", () => {
  it("throws only LrcAlignError on arbitrary text, and what parses has finite sorted times", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200, unit: "binary" }), lrcLike), (text) =>
        onlyOwnErrors(() => {
          const { lines } = parseLrc(text);
          for (const [i, line] of lines.entries()) {
            expect(Number.isFinite(line.time)).toBe(true);
            if (i > 0) expect(line.time).toBeGreaterThanOrEqual(lines[i - 1]!.time);
          }
        }),
      ),
      runs,
    );
  });

  it("never throws from parseRawLyrics or looksLikeLrc", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200, unit: "binary" }), lrcLike), (text) => {
        for (const line of parseRawLyrics(text)) expect(line).toBe(line.trim());
        expect(typeof looksLikeLrc(text)).toBe("boolean");
      }),
      runs,
    );
  });
});

describe("timed lines → LRC → parseLrc", () => {
  const word = fc.stringMatching(/^[A-Za-z']{1,8}$/);
  const timedLine = fc.record({ centiseconds: fc.integer({ min: 0, max: 99 * 6000 + 5999 }), words: fc.array(word, { minLength: 1, maxLength: 5 }) });

  it("round trips times (to the centisecond), texts, order and the offset", () => {
    fc.assert(
      fc.property(fc.array(timedLine, { maxLength: 10 }), fc.integer({ min: -5000, max: 5000 }), fc.constantFrom("\n", "\r\n"), (lines, offsetMs, eol) => {
        const stamp = (cs: number) => `[${String(Math.floor(cs / 6000)).padStart(2, "0")}:${String(Math.floor(cs / 100) % 60).padStart(2, "0")}.${String(cs % 100).padStart(2, "0")}]`;
        const text = [`[offset:${offsetMs >= 0 ? "+" : ""}${offsetMs}]`, ...lines.map((l) => `${stamp(l.centiseconds)}${l.words.join(" ")}`)].join(eol);
        const parsed = parseLrc(text);
        expect(parsed.offsetMs).toBe(offsetMs);
        const expected = lines.map((l, order) => ({ l, order })).sort((a, b) => a.l.centiseconds - b.l.centiseconds || a.order - b.order);
        expect(parsed.lines.map((l) => l.text)).toEqual(expected.map(({ l }) => l.words.join(" ")));
        for (const [i, { l }] of expected.entries()) expect(parsed.lines[i]!.time).toBeCloseTo(l.centiseconds / 100 - offsetMs / 1000, 6);
      }),
      runs,
    );
  });
});
