import { LrcParseError } from "./errors.js";

/** One timed lyric line: `time` in seconds with the file's `[offset:]` already applied. */
export interface LrcLine {
  readonly time: number;
  readonly text: string;
}

export interface ParsedLrc {
  /** Timed lines sorted by time (stable, so equal stamps keep file order). */
  readonly lines: readonly LrcLine[];
  /** ID tags such as `ar`, `ti`, `al`, `by`, `length`, `offset`, keyed by lower-case tag name. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The `[offset:±ms]` value in milliseconds (0 when absent). */
  readonly offsetMs: number;
}

// `[mm:ss]`, `[mm:ss.xx]`, `[mm:ss.xxx]` and the `[mm:ss:xx]` variant some editors write.
const timeTag = /^\[(\d{1,3}):(\d{1,2})(?:[.:](\d{1,3}))?\]/;
const metadataTag = /^\[([A-Za-z#][A-Za-z0-9#_ -]*):(.*)\]\s*$/;
// Something that starts like a time tag but is not one, e.g. `[01:6x.00]` or `[1:2:3:4]`.
const looksLikeTimeTag = /^\[\s*\d/;
const wordStamp = /<\d{1,3}:\d{1,2}(?:[.:]\d{1,3})?>/g;

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Splits on LF, CRLF or lone CR after removing a byte-order mark. */
export function splitLines(text: string): string[] {
  return stripBom(text).split(/\r\n|\r|\n/);
}

/**
 * Parses LRC lyrics. Port of autosing/alignment.py: parse_lrc, widened: upstream only reads
 * `[mm:ss.xx]` with one stamp per line and ignores everything else; here the other stamp
 * precisions, several stamps per line, `[offset:]`, word-level `<mm:ss.xx>` stamps (removed from
 * the text), CRLF/BOM and unsorted stamps are handled, and a line that starts like a time stamp but
 * is malformed throws `LrcParseError` instead of being skipped silently. Untimed text lines are
 * ignored as upstream does.
 */
export function parseLrc(text: string): ParsedLrc {
  const metadata: Record<string, string> = {};
  const stamped: { time: number; text: string; order: number }[] = [];
  const lines = splitLines(text);
  for (let index = 0; index < lines.length; index++) {
    const raw = lines[index] ?? "";
    const line = raw.trim();
    if (line === "" || !line.startsWith("[")) continue;
    const lineNumber = index + 1;

    let rest = line;
    const times: number[] = [];
    for (let match = timeTag.exec(rest); match !== null; match = timeTag.exec(rest)) {
      const minutes = Number(match[1]);
      const seconds = Number(match[2]);
      const fraction = match[3] === undefined ? 0 : Number(`0.${match[3]}`);
      if (seconds >= 60) throw new LrcParseError(lineNumber, raw, `seconds ${match[2]} out of range (must be < 60)`);
      times.push(minutes * 60 + seconds + fraction);
      rest = rest.slice(match[0].length);
    }

    if (times.length === 0) {
      const tag = metadataTag.exec(line);
      if (tag !== null && !looksLikeTimeTag.test(line)) {
        metadata[(tag[1] ?? "").trim().toLowerCase()] = (tag[2] ?? "").trim();
        continue;
      }
      if (looksLikeTimeTag.test(line)) throw new LrcParseError(lineNumber, raw, "malformed time stamp");
      // `[Chorus]`-style section markers and other bracketed text carry no timing.
      continue;
    }
    if (looksLikeTimeTag.test(rest)) throw new LrcParseError(lineNumber, raw, "malformed time stamp after a valid one");

    const lyric = rest.replace(wordStamp, "").replace(/\s+/g, " ").trim();
    for (const time of times) stamped.push({ time, text: lyric, order: stamped.length });
  }

  let offsetMs = 0;
  const offsetText = metadata["offset"];
  if (offsetText !== undefined) {
    if (!/^[+-]?\d+(?:\.\d+)?$/.test(offsetText)) {
      const lineNumber = lines.findIndex((l) => /^\s*\[offset:/i.test(l)) + 1;
      throw new LrcParseError(lineNumber, lines[lineNumber - 1] ?? "", "offset must be a signed number of milliseconds");
    }
    offsetMs = Number(offsetText);
  }

  // A positive offset makes lyrics appear earlier (the LRC convention), so it is subtracted.
  const shift = offsetMs / 1000;
  stamped.sort((a, b) => a.time - b.time || a.order - b.order);
  return {
    lines: stamped.map(({ time, text: lyric }) => ({ time: time - shift, text: lyric })),
    metadata,
    offsetMs,
  };
}

/**
 * Raw lyrics: one entry per line, as upstream's `raw_text.split("\n")` (blank lines are kept, they
 * become lines with no words), with CRLF and a BOM tolerated and each line trimmed.
 */
export function parseRawLyrics(text: string): string[] {
  return splitLines(text).map((line) => line.trim());
}

/** True when the text looks like LRC (has at least one `[mm:ss…]` stamp at a line start). */
export function looksLikeLrc(text: string): boolean {
  return splitLines(text).some((line) => timeTag.test(line.trim()));
}
