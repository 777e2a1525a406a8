import { phonemize } from "@autosing/espeak";

import { NoPronounceableWordsError, UnpronounceableWordError } from "./errors.js";
import { letterToSound } from "./letter-to-sound.js";
import { normalizeText, splitWords } from "./normalize-text.js";
import { phoneToId } from "./phone-set.js";

/** Pronounces a word the dictionary lacks: ARPAbet phones (stress allowed), or undefined/empty when it cannot. */
export type PhonemizeFallback = (word: string) => readonly string[] | undefined;

/** Pronounces many out-of-vocabulary words at once (asynchronously, e.g. through eSpeak-NG's WASM). */
export type BatchPhonemizeFallback = (words: readonly string[]) => Promise<(readonly string[] | undefined)[]>;

/**
 * eSpeak-NG (`@autosing/espeak`, WASM) as the out-of-vocabulary fallback: all words in one
 * `phonemize` call, mapped to ARPAbet by that package; a word whose batch result cannot be matched
 * is phonemised alone.
 */
export const espeakFallback: BatchPhonemizeFallback = async (words) => {
  const batch = await phonemize(words.join(" "));
  if (batch.length === words.length) return batch.map((w) => w.arpabet);
  return Promise.all(words.map(async (word) => (await phonemize(word)).flatMap((w) => w.arpabet)));
};

/** Word → space-separated ARPAbet with stress, the `cmu-pronouncing-dictionary` shape (`"read(2)"` variants ignored). */
export type PronouncingDictionary = Readonly<Record<string, string>>;

export interface G2pOptions {
  /** The dictionary; `loadCmuDictionary()` gives the CMU one. */
  dictionary: PronouncingDictionary;
  /**
   * Out-of-vocabulary words: an eSpeak-NG phonemizer mapped to ARPAbet, for instance. Defaults to
   * the built-in rule-based `letterToSound`.
   */
  fallback?: PhonemizeFallback;
  /**
   * Batch fallback consulted by `prepare()` before the synchronous one (`G2p.create` uses
   * `espeakFallback`). Words it pronounces are cached; the rest go to `fallback`.
   */
  batchFallback?: BatchPhonemizeFallback;
}

export interface WordPronunciation {
  readonly word: string;
  /** Phones without stress, in the charsiu phone set's spelling. */
  readonly phones: readonly string[];
  readonly source: "dictionary" | "fallback";
}

/** Tokens of a text grouped per word, the shape of upstream's `text2tokens` result. */
export interface TextTokens {
  /** charsiu phone ids, all words concatenated. */
  readonly tokens: number[];
  /** Normalised words (lower case), in order. */
  readonly words: string[];
  /** Number of tokens of each word; sums to `tokens.length`. */
  readonly tokensPerWord: number[];
}

/** Loads the CMU pronouncing dictionary (134k words) from npm; lazy because the module is 4.7 MB. */
export async function loadCmuDictionary(): Promise<PronouncingDictionary> {
  const module = await import("cmu-pronouncing-dictionary");
  return module.dictionary;
}

const stripStress = (phone: string): string => phone.replace(/\d/g, "").toUpperCase();

/**
 * Grapheme → phoneme into the charsiu phone set. Upstream (autosing/alignment.py: text2tokens via
 * charsiu's CharsiuPreprocessor_en / g2p_en) looks words up in CMUdict and runs a neural model for
 * the rest; here the rest goes to the dictionary entries of its pieces (hyphenated words, dropped-g
 * "singin'"), then the fallback. Deliberate difference: punctuation yields no `[SIL]` word — upstream
 * emits `[SIL]` targets for ".,!?" which `forced_align` rejects (blank in targets), failing the row.
 */
export class G2p {
  private readonly dictionary: PronouncingDictionary;
  private readonly fallback: PhonemizeFallback;
  private readonly batchFallback: BatchPhonemizeFallback | undefined;
  private readonly prepared = new Map<string, readonly string[]>();
  private readonly cache = new Map<string, WordPronunciation>();

  constructor(options: G2pOptions) {
    this.dictionary = options.dictionary;
    this.fallback = options.fallback ?? letterToSound;
    this.batchFallback = options.batchFallback;
  }

  /**
   * Creates a G2p over the CMU dictionary with eSpeak-NG as the batch fallback for out-of-vocabulary
   * words (pass `batchFallback: undefined` explicitly to use only the rule-based `letterToSound`).
   */
  static async create(options: Omit<G2pOptions, "dictionary"> = {}): Promise<G2p> {
    const batchFallback = "batchFallback" in options ? options.batchFallback : espeakFallback;
    return new G2p({ ...options, batchFallback, dictionary: await loadCmuDictionary() });
  }

  /** Words of a text (normalised) that neither the dictionary nor their hyphen parts cover. */
  private outOfVocabulary(word: string, out: Set<string>): void {
    if (this.cache.has(word) || this.prepared.has(word) || this.lookup(word) !== undefined) return;
    if (word.includes("-")) {
      for (const part of word.split("-")) if (/[a-z]/.test(part)) this.outOfVocabulary(part, out);
      return;
    }
    out.add(word);
  }

  /**
   * Runs the batch fallback (eSpeak-NG by default) over the out-of-vocabulary words of these texts
   * so the synchronous methods use its pronunciations. A no-op without a batch fallback.
   */
  async prepare(texts: readonly string[]): Promise<void> {
    if (this.batchFallback === undefined) return;
    const missing = new Set<string>();
    for (const text of texts) for (const word of splitWords(normalizeText(text))) this.outOfVocabulary(word, missing);
    if (missing.size === 0) return;
    const words = [...missing];
    const results = await this.batchFallback(words);
    words.forEach((word, i) => {
      const phones = (results[i] ?? []).map(stripStress).filter((phone) => phone !== "");
      if (phones.length > 0) this.prepared.set(word, phones);
    });
  }

  /** Dictionary lookup of one normalised word, trying the forms lyrics commonly use. */
  lookup(word: string): string[] | undefined {
    const candidates = [word];
    const trimmed = word.replace(/^'+|'+$/g, "");
    if (trimmed !== word) candidates.push(trimmed);
    // Dropped g: "singin'" / "singin" → "singing".
    if (/in'?$/.test(word) && word.length > 3) candidates.push(`${trimmed.replace(/in$/, "")}ing`);
    for (const candidate of candidates) {
      const entry = this.dictionary[candidate];
      if (entry !== undefined && Object.hasOwn(this.dictionary, candidate)) return entry.split(" ").map(stripStress);
    }
    return undefined;
  }

  /** Pronunciation of one normalised word; never empty (throws `UnpronounceableWordError` instead). */
  pronounce(word: string): WordPronunciation {
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    let result: WordPronunciation | undefined;
    const direct = this.lookup(word);
    if (direct !== undefined) result = { word, phones: direct, source: "dictionary" };
    else if (word.includes("-")) {
      const parts = word.split("-").filter((part) => /[a-z]/.test(part));
      const pieces = parts.map((part) => this.pronounce(part));
      result = {
        word,
        phones: pieces.flatMap((piece) => piece.phones),
        source: pieces.every((piece) => piece.source === "dictionary") ? "dictionary" : "fallback",
      };
    } else {
      const phones = this.prepared.get(word) ?? (this.fallback(word) ?? []).map(stripStress).filter((phone) => phone !== "");
      if (phones.length === 0) throw new UnpronounceableWordError(word);
      result = { word, phones, source: "fallback" };
    }
    this.cache.set(word, result);
    return result;
  }

  /** Normalised words of a text with their pronunciations. */
  pronounceText(text: string): WordPronunciation[] {
    return splitWords(normalizeText(text)).map((word) => this.pronounce(word));
  }

  /**
   * Port of autosing/alignment.py: text2tokens — tokens, words and tokens per word of one line
   * (empty arrays for a line without words).
   */
  textToTokens(text: string): TextTokens {
    const tokens: number[] = [];
    const words: string[] = [];
    const tokensPerWord: number[] = [];
    for (const { word, phones } of this.pronounceText(text)) {
      words.push(word);
      tokensPerWord.push(phones.length);
      for (const phone of phones) tokens.push(phoneToId(phone));
    }
    return { tokens, words, tokensPerWord };
  }

  /** `textToTokens` per line; throws `NoPronounceableWordsError` when no line has a word. */
  linesToTokens(lines: readonly string[]): TextTokens[] {
    const result = lines.map((line) => this.textToTokens(line));
    if (result.every((line) => line.tokens.length === 0)) throw new NoPronounceableWordsError(lines.join("\n"));
    return result;
  }
}
