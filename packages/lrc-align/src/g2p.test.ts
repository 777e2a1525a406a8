import { beforeAll, describe, expect, it } from "vitest";

import { NoPronounceableWordsError, UnpronounceableWordError } from "./errors.js";
import { G2p } from "./g2p.js";
import { letterToSound } from "./letter-to-sound.js";
import { expandNumber, normalizeText, numberToWords, ordinalToWords, splitWords } from "./normalize-text.js";
import { CHARSIU_PHONES, NUM_PHONE_CLASSES, idToPhone, phoneToId } from "./phone-set.js";

describe("charsiu phone set", () => {
  it("pins the 42-entry vocabulary order of charsiu/tokenizer_en_cmu", () => {
    expect(NUM_PHONE_CLASSES).toBe(42);
    expect(CHARSIU_PHONES.slice(0, 6)).toEqual(["[SIL]", "NG", "F", "M", "AE", "R"]);
    expect(phoneToId("AH0")).toBe(25);
    expect(phoneToId("IH1")).toBe(39);
    expect(phoneToId("S")).toBe(38);
    expect(phoneToId("QQ")).toBe(40);
    expect(idToPhone(41)).toBe("[PAD]");
    expect(new Set(CHARSIU_PHONES).size).toBe(42);
  });
});

describe("text normalisation", () => {
  it("spells numbers as g2p_en does (years, ordinals, decimals, currency)", () => {
    expect(numberToWords(0)).toBe("zero");
    expect(numberToWords(115)).toBe("one hundred fifteen");
    expect(numberToWords(1_000_001)).toBe("one million one");
    expect(expandNumber(1995)).toBe("nineteen ninety five");
    expect(expandNumber(1905)).toBe("nineteen oh five");
    expect(expandNumber(2005)).toBe("two thousand five");
    expect(expandNumber(1900)).toBe("nineteen hundred");
    expect(ordinalToWords(21)).toBe("twenty first");
    expect(ordinalToWords(12)).toBe("twelfth");
    expect(ordinalToWords(40)).toBe("fortieth");
    expect(splitWords(normalizeText("$5, 3.5 and the 2nd of 10,000"))).toEqual(
      "five dollars three point five and the second of ten thousand".split(" "),
    );
  });

  it("folds Unicode, keeps apostrophes and hyphens inside words, drops punctuation", () => {
    expect(splitWords(normalizeText("I’m CAFÉ-bound — naïve, Straße! 'cause singin'"))).toEqual([
      "i'm", "cafe-bound", "naive", "strasse", "'cause", "singin'",
    ]);
    expect(splitWords(normalizeText("... !!! -- ?"))).toEqual([]);
  });
});

describe("G2p", () => {
  let g2p: G2p;
  beforeAll(async () => {
    g2p = await G2p.create({ batchFallback: undefined });
  });

  it("groups tokens per word like text2tokens, with CMU pronunciations without stress", () => {
    const { tokens, words, tokensPerWord } = g2p.textToTokens("Hello, world!");
    expect(words).toEqual(["hello", "world"]);
    expect(tokensPerWord).toEqual([4, 4]);
    expect(tokens.map(idToPhone)).toEqual(["HH", "AH", "L", "OW", "W", "ER", "L", "D"]);
  });

  it("resolves lyric spellings from the dictionary and hyphenated words from their parts", () => {
    expect(g2p.pronounce("singin'").phones).toEqual(["S", "IH", "NG", "IH", "N"]);
    const small = new G2p({ dictionary: { flying: "F L AY1 IH0 NG", cause: "K AA1 Z" }, fallback: () => [] });
    expect(small.pronounce("flyin'").phones).toEqual(["F", "L", "AY", "IH", "NG"]);
    expect(small.pronounce("'cause").phones).toEqual(["K", "AA", "Z"]);
    expect(g2p.pronounce("don't").phones).toEqual(["D", "OW", "N", "T"]);
    const hyphen = g2p.pronounce("moon-lit");
    expect(hyphen.phones).toEqual([...g2p.pronounce("moon").phones, ...g2p.pronounce("lit").phones]);
  });

  it("never drops an out-of-vocabulary word: the fallback pronounces it", () => {
    const oov = g2p.pronounce("zorblax");
    expect(oov.source).toBe("fallback");
    expect(oov.phones).toEqual(letterToSound("zorblax"));
    expect(oov.phones.length).toBeGreaterThan(0);
    const custom = new G2p({ dictionary: {}, fallback: (word) => (word === "x" ? ["EH1", "K", "S"] : []) });
    expect(custom.pronounce("x").phones).toEqual(["EH", "K", "S"]);
    expect(() => custom.pronounce("y")).toThrow(UnpronounceableWordError);
  });

  it("pronounces out-of-vocabulary words with eSpeak-NG after prepare()", async () => {
    const espeak = await G2p.create();
    expect(espeak.lookup("zorblax")).toBeUndefined();
    await espeak.prepare(["the zorblax glimmered", "quuxly"]);
    const oov = espeak.pronounce("zorblax");
    expect(oov.source).toBe("fallback");
    expect(oov.phones[0]).toBe("Z");
    expect(oov.phones).toContain("B");
    expect(oov.phones.at(-1)).toBe("S");
    const rules = await G2p.create({ batchFallback: undefined });
    await rules.prepare(["zorblax"]);
    expect(rules.pronounce("zorblax").phones).toEqual(letterToSound("zorblax"));
  });

  it("keeps blank lines as lines without words and rejects lyrics without any word", () => {
    const lines = g2p.linesToTokens(["la la", "", "oh"]);
    expect(lines.map((l) => l.words)).toEqual([["la", "la"], [], ["oh"]]);
    expect(() => g2p.linesToTokens(["...", "", "!!"])).toThrow(NoPronounceableWordsError);
  });
});

describe("letterToSound", () => {
  it("gives plausible phones for regular spellings", () => {
    expect(letterToSound("blick")).toEqual(["B", "L", "IH", "K"]);
    expect(letterToSound("trime")).toEqual(["T", "R", "AY", "M"]);
    expect(letterToSound("shoon")).toEqual(["SH", "UW", "N"]);
  });
});
