/**
 * A small rule-based English letter-to-sound fallback for words the CMU dictionary lacks and
 * when no eSpeak-NG phonemizer is supplied. Longest grapheme match first, a few context rules
 * (soft c/g, silent final e, magic e, final y). It is a last resort — `G2p` prefers the dictionary,
 * then its pieces, then an injected phonemizer — and it always returns at least one phone for a
 * word with a letter, so no word is dropped.
 */

const vowels = new Set(["a", "e", "i", "o", "u", "y"]);
const isVowel = (ch: string | undefined): boolean => ch !== undefined && vowels.has(ch);

// Multi-letter graphemes, longest first within each starting letter.
const graphemes: [string, string[]][] = [
  ["tion", ["SH", "AH", "N"]], ["sion", ["ZH", "AH", "N"]], ["ough", ["AO"]], ["augh", ["AO"]],
  ["eigh", ["EY"]], ["igh", ["AY"]], ["tch", ["CH"]], ["dge", ["JH"]], ["sch", ["S", "K"]],
  ["ch", ["CH"]], ["sh", ["SH"]], ["th", ["TH"]], ["ph", ["F"]], ["wh", ["W"]], ["ck", ["K"]],
  ["ng", ["NG"]], ["qu", ["K", "W"]], ["gh", ["G"]], ["kn", ["N"]], ["wr", ["R"]],
  ["ee", ["IY"]], ["ea", ["IY"]], ["ie", ["IY"]], ["ei", ["IY"]], ["oo", ["UW"]], ["ou", ["AW"]],
  ["ow", ["OW"]], ["oa", ["OW"]], ["oi", ["OY"]], ["oy", ["OY"]], ["ai", ["EY"]], ["ay", ["EY"]],
  ["au", ["AO"]], ["aw", ["AO"]], ["ew", ["UW"]], ["ue", ["UW"]], ["ey", ["EY"]],
  ["ar", ["AA", "R"]], ["er", ["ER"]], ["ir", ["ER"]], ["ur", ["ER"]], ["or", ["AO", "R"]],
];

const shortVowel: Record<string, string> = { a: "AE", e: "EH", i: "IH", o: "AA", u: "AH", y: "IH" };
const longVowel: Record<string, string[]> = { a: ["EY"], e: ["IY"], i: ["AY"], o: ["OW"], u: ["Y", "UW"], y: ["AY"] };
const consonant: Record<string, string[]> = {
  b: ["B"], d: ["D"], f: ["F"], h: ["HH"], j: ["JH"], k: ["K"], l: ["L"], m: ["M"], n: ["N"], p: ["P"],
  r: ["R"], s: ["S"], t: ["T"], v: ["V"], w: ["W"], x: ["K", "S"], z: ["Z"],
};

/** ARPAbet phones (no stress) for one lower-case word; apostrophes and hyphens are skipped. */
export function letterToSound(word: string): string[] {
  const letters = word.toLowerCase().replace(/[^a-z]/g, "");
  const phones: string[] = [];
  // Silent final e after a consonant ("make", "time"), but not in short words like "be", "the".
  const silentFinalE = letters.length > 3 && letters.endsWith("e") && !isVowel(letters[letters.length - 2]);
  const end = silentFinalE ? letters.length - 1 : letters.length;
  let i = 0;
  while (i < end) {
    const match = graphemes.find(([g]) => letters.startsWith(g, i) && i + g.length <= letters.length);
    if (match !== undefined) {
      phones.push(...match[1]);
      i += match[0].length;
      continue;
    }
    const ch = letters[i] ?? "";
    const next = letters[i + 1];
    if (ch === "c") phones.push(next === "e" || next === "i" || next === "y" ? "S" : "K");
    else if (ch === "g") phones.push(next === "e" || next === "i" || next === "y" ? "JH" : "G");
    else if (ch === "q") phones.push("K");
    else if (ch === "y" && i === 0) phones.push("Y");
    else if (ch === "y" && i === end - 1) phones.push(letters.length <= 3 ? "AY" : "IY");
    else if (isVowel(ch)) {
      // "Magic e": vowel + one consonant + silent final e is long ("time", "note").
      const magic = silentFinalE && i === end - 2 && !isVowel(letters[i + 1]);
      const open = i === end - 1 && letters.length <= 3;
      if (magic || open) phones.push(...(longVowel[ch] ?? []));
      else phones.push(shortVowel[ch] ?? "AH");
    } else {
      const mapped = consonant[ch];
      // Doubled consonants are one sound ("ll", "ss").
      if (mapped !== undefined && letters[i - 1] !== ch) phones.push(...mapped);
    }
    i += 1;
  }
  if (phones.length === 0 && letters.length > 0) phones.push("AH");
  return phones;
}
