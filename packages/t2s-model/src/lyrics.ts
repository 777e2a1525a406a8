import { T2SInputError } from "./errors.js";
import { languageId } from "./languages.js";

/** Port of whisperspeech CharTokenizer: UTF-8 bytes of the stripped text; end-of-text is 0. */
export const END_OF_TEXT = 0;

function textBytes(text: string): number[] {
  return Array.from(new TextEncoder().encode(text.trim()));
}

/** F.pad(values, (1, length − len − 1), value=pad): one pad before, pads after up to `length`, cut to `length` when longer. */
function padForEncoder(values: readonly number[], length: number, pad: number): number[] {
  const out = [pad, ...values].slice(0, length);
  while (out.length < length) out.push(pad);
  return out;
}

/**
 * Text tokens as upstream `generate` builds them: [eot, …bytes of text.trim()] padded with eot to
 * `length` (cut to `length` when longer, as F.pad with a negative pad does).
 */
export function encodeText(text: string, length: number): number[] {
  return padForEncoder(textBytes(text), length, END_OF_TEXT);
}

/** The text encoder's inputs for one row of lyrics. */
export interface EncodedLyrics {
  /** `length` text tokens. */
  ttoks: number[];
  /** One language id for every token (upstream's scalar `lang`), or one per token (its list form). */
  languages: number | number[];
}

/**
 * Port of autosing/t2s.py: TM2STransformer.generate's text and language inputs.
 * - `lyrics` a string, `lang` a code: `encodeText(lyrics)` and that language for every token.
 * - `lyrics` a list of strings, `lang` a list of codes (one per string): each string's stripped
 *   bytes, concatenated with nothing in between, each byte taking its string's language; the
 *   leading end-of-text and the padding take the first language (upstream pads the language ids
 *   with `lang[0]` exactly as it pads the bytes with eot).
 * - `lyrics` a list of strings, `lang` a code: the concatenation, every token in that language
 *   (upstream has no such form; it is the list form with the code repeated).
 * Unlike upstream, whose `zip` silently drops the extra strings or codes, lists of different
 * lengths are an error, and so is a list of codes with a single string (upstream asserts).
 */
export function encodeLyrics(lyrics: string | readonly string[], lang: string | readonly string[], length: number): EncodedLyrics {
  if (typeof lang === "string") {
    const bytes = typeof lyrics === "string" ? textBytes(lyrics) : lyrics.flatMap(textBytes);
    return { ttoks: padForEncoder(bytes, length, END_OF_TEXT), languages: languageId(lang) };
  }
  if (typeof lyrics === "string") throw new T2SInputError("lang", `a list of languages needs the lyrics as a list of strings, one per language (got one string and ${lang.length} languages)`);
  if (lang.length !== lyrics.length || lang.length === 0) {
    throw new T2SInputError("lang", `has ${lang.length} languages for ${lyrics.length} lyric strings; give one language per string`);
  }
  const ids = lang.map(languageId);
  const bytes: number[] = [];
  const languages: number[] = [];
  lyrics.forEach((line, i) => {
    const lineBytes = textBytes(line);
    bytes.push(...lineBytes);
    languages.push(...lineBytes.map(() => ids[i] ?? 0));
  });
  const first = ids[0] ?? 0;
  return { ttoks: padForEncoder(bytes, length, END_OF_TEXT), languages: padForEncoder(languages, length, first) };
}
