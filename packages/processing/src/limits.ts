/**
 * Per-song limits on what the steps that read a song (align, vad_extract) take on. A row over a
 * limit is one reported row failure, found before the heavy work of that row starts: 100k
 * characters of lyrics kept `process align` busy for minutes at 1.9 GB, and a song hours long
 * does the same to every step after it. The defaults lie well above any real song; the CLI flag
 * named in each message raises them.
 */
import { RowInputError, StepOptionError } from "./errors.js";
import type { StepName } from "./step.js";

/** Limits of the steps that read whole songs. */
export interface SongLimits {
  /** Most characters (Unicode code points) of a song's lyrics (`lrc_lyrics` or `raw_lyrics`) that align takes. */
  readonly maxLyricsChars?: number;
  /** Longest song, in seconds of audio, that align and vad_extract take. */
  readonly maxSongSeconds?: number;
}

/** The defaults, in one place: the CLI's help and README quote them. */
export const DEFAULT_SONG_LIMITS = {
  /** About ten times the lyrics of a long song. */
  maxLyricsChars: 20_000,
  /** 20 minutes. */
  maxSongSeconds: 1200,
} as const satisfies Required<SongLimits>;

/** A row over one of the {@link SongLimits}: the message names the limit, the value and the flag that raises it. */
export class RowLimitError extends RowInputError {
  constructor(
    readonly limit: keyof SongLimits,
    readonly value: number,
    readonly max: number,
    what: string,
    maxText: string,
    flag: string,
  ) {
    super(`${what}, over the limit of ${maxText} (option ${limit}; raise it with ${flag}, or split the song)`);
  }
}

/** The limits with defaults filled in; a limit that is not a positive number is a StepOptionError. */
export function songLimits(step: StepName, limits: SongLimits): Required<SongLimits> {
  const resolved = { ...DEFAULT_SONG_LIMITS, ...withoutUndefined(limits) };
  if (!(Number.isInteger(resolved.maxLyricsChars) && resolved.maxLyricsChars >= 1)) {
    throw new StepOptionError(step, "maxLyricsChars", resolved.maxLyricsChars, "must be a positive integer");
  }
  if (!(resolved.maxSongSeconds > 0 && Number.isFinite(resolved.maxSongSeconds))) {
    throw new StepOptionError(step, "maxSongSeconds", resolved.maxSongSeconds, "must be a positive number of seconds");
  }
  return resolved;
}

function withoutUndefined(limits: SongLimits): SongLimits {
  return {
    ...(limits.maxLyricsChars === undefined ? {} : { maxLyricsChars: limits.maxLyricsChars }),
    ...(limits.maxSongSeconds === undefined ? {} : { maxSongSeconds: limits.maxSongSeconds }),
  };
}

/** Code points of `text`, counted only when its UTF-16 length could be over `max` (most lyrics are far under). */
function codePointsOver(text: string, max: number): number | undefined {
  if (text.length <= max) return undefined;
  let count = 0;
  for (const _ of text) count += 1;
  return count > max ? count : undefined;
}

/** Throws RowLimitError when `lyrics` has more than `max` characters. */
export function checkLyricsLength(lyrics: string, max: number): void {
  const count = codePointsOver(lyrics, max);
  if (count !== undefined) throw new RowLimitError("maxLyricsChars", count, max, `the lyrics are ${count} characters long`, `${max} characters`, "--max-lyrics-chars");
}

/** Throws RowLimitError when the song is longer than `max` seconds. */
export function checkSongSeconds(seconds: number, max: number): void {
  if (seconds > max) throw new RowLimitError("maxSongSeconds", seconds, max, `the audio is ${seconds.toFixed(1)} s long`, `${max} s`, "--max-song-seconds");
}
