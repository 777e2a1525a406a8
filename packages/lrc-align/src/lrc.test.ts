import { describe, expect, it } from "vitest";

import { LrcAlignError, LrcParseError } from "./errors.js";
import { looksLikeLrc, parseLrc, parseRawLyrics } from "./lrc.js";

describe("parseLrc", () => {
  it("reads [mm:ss.xx], [mm:ss.xxx] and [mm:ss] stamps", () => {
    const { lines } = parseLrc("[00:01.50]one\n[00:02.250]two\n[01:03]three");
    expect(lines).toEqual([
      { time: 1.5, text: "one" },
      { time: 2.25, text: "two" },
      { time: 63, text: "three" },
    ]);
  });

  it("expands several stamps on one line and sorts unsorted stamps stably", () => {
    const { lines } = parseLrc("[00:10.00][00:30.00]chorus\n[00:20.00]verse\n[00:10.00]also ten");
    expect(lines.map((l) => [l.time, l.text])).toEqual([
      [10, "chorus"],
      [10, "also ten"],
      [20, "verse"],
      [30, "chorus"],
    ]);
  });

  it("keeps metadata and applies [offset:+ms] (positive shows lyrics earlier)", () => {
    const parsed = parseLrc("[ar:Someone]\n[ti: A Song ]\n[offset:+500]\n[00:02.00]hello");
    expect(parsed.metadata).toMatchObject({ ar: "Someone", ti: "A Song", offset: "+500" });
    expect(parsed.offsetMs).toBe(500);
    expect(parsed.lines[0]?.time).toBeCloseTo(1.5, 12);
    expect(parseLrc("[offset:-250]\n[00:02.00]x").lines[0]?.time).toBeCloseTo(2.25, 12);
  });

  it("strips word-level <mm:ss.xx> stamps, a BOM, CRLF and blank lines; keeps empty timed lines", () => {
    const text = "\ufeff[00:01.00]<00:01.00>hello <00:01.50>world\r\n\r\n[00:03.00]\r\n[00:04.00] again  ";
    expect(parseLrc(text).lines).toEqual([
      { time: 1, text: "hello world" },
      { time: 3, text: "" },
      { time: 4, text: "again" },
    ]);
  });

  it("ignores untimed text and section markers", () => {
    expect(parseLrc("some header\n[Chorus]\n[00:01.00]x").lines).toEqual([{ time: 1, text: "x" }]);
  });

  it("throws LrcParseError naming the line for malformed stamps", () => {
    const attempt = (text: string) => {
      try {
        parseLrc(text);
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const bad = attempt("[00:01.00]ok\n[00:6x.00]bad");
    expect(bad).toBeInstanceOf(LrcParseError);
    expect(LrcAlignError.isInstance(bad)).toBe(true);
    expect((bad as LrcParseError).lineNumber).toBe(2);
    expect(String((bad as Error).message)).toContain("[00:6x.00]bad");
    expect(attempt("[00:75.00]x")).toBeInstanceOf(LrcParseError);
    expect(attempt("[00:01.00][00:x]y")).toBeInstanceOf(LrcParseError);
    expect(attempt("[offset:soon]\n[00:01.00]x")).toBeInstanceOf(LrcParseError);
  });

  it("tells LRC from raw lyrics", () => {
    expect(looksLikeLrc("[00:01.00]x")).toBe(true);
    expect(looksLikeLrc("just words\n[Chorus]")).toBe(false);
  });
});

describe("parseRawLyrics", () => {
  it("splits lines like upstream raw_text.split('\\n'), tolerating CRLF and BOM", () => {
    expect(parseRawLyrics("\ufeffone two\r\n\r\nthree ")).toEqual(["one two", "", "three"]);
  });
});
