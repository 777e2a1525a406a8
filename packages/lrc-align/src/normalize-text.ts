const ones = [
  "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
  "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
];
const tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];
const scales = ["", "thousand", "million", "billion", "trillion"];

function belowThousand(n: number): string[] {
  const words: string[] = [];
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds > 0) words.push(ones[hundreds] ?? "", "hundred");
  if (rest >= 20) {
    words.push(tens[Math.floor(rest / 10)] ?? "");
    if (rest % 10 > 0) words.push(ones[rest % 10] ?? "");
  } else if (rest > 0 || hundreds === 0) {
    words.push(ones[rest] ?? "");
  }
  return words;
}

/**
 * Cardinal number in words without "and" (inflect's `number_to_words(n, andword='')`, which
 * g2p_en uses), words separated by spaces rather than inflect's hyphens and commas so every
 * word gets its own dictionary entry. Digits beyond the trillions are read one by one.
 */
export function numberToWords(n: number): string {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`numberToWords needs a non-negative safe integer, got ${n}`);
  if (n === 0) return "zero";
  if (n >= 1e15) return String(n).split("").map((d) => ones[Number(d)]).join(" ");
  const groups: string[] = [];
  let scale = 0;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 1000), scale++) {
    const group = rest % 1000;
    if (group === 0) continue;
    const words = belowThousand(group);
    if (scales[scale]) words.push(scales[scale] ?? "");
    groups.unshift(words.join(" "));
  }
  return groups.join(" ");
}

const ordinalExceptions: Record<string, string> = {
  one: "first", two: "second", three: "third", five: "fifth", eight: "eighth", nine: "ninth", twelve: "twelfth",
};

/** Ordinal in words: 1 → "first", 21 → "twenty first", 100 → "one hundredth". */
export function ordinalToWords(n: number): string {
  const words = numberToWords(n).split(" ");
  const last = words.pop() ?? "";
  let ordinal = ordinalExceptions[last];
  if (ordinal === undefined) ordinal = last.endsWith("y") ? `${last.slice(0, -1)}ieth` : `${last}th`;
  return [...words, ordinal].join(" ");
}

/**
 * Port of g2p_en expand.py: _expand_number — numbers between 1000 and 3000 read as years
 * ("nineteen ninety five", "two thousand five", "nineteen hundred", "nineteen oh five"), others as cardinals.
 */
export function expandNumber(n: number): string {
  if (n > 1000 && n < 3000) {
    if (n === 2000) return "two thousand";
    if (n > 2000 && n < 2010) return `two thousand ${numberToWords(n % 100)}`;
    if (n % 100 === 0) return `${numberToWords(Math.floor(n / 100))} hundred`;
    const low = n % 100;
    return `${numberToWords(Math.floor(n / 100))} ${low < 10 ? `oh ${numberToWords(low)}` : numberToWords(low)}`;
  }
  return numberToWords(n);
}

function digitsToNumber(digits: string): number {
  const value = Number(digits);
  return Number.isSafeInteger(value) ? value : Number.NaN;
}

function spellDigits(digits: string): string {
  return digits.split("").map((d) => ones[Number(d)]).join(" ");
}

function cardinalOrDigits(digits: string): string {
  const value = digitsToNumber(digits);
  return Number.isNaN(value) ? spellDigits(digits) : expandNumber(value);
}

/**
 * Port of g2p_en expand.py: normalize_numbers — thousands separators removed, `£`/`$` amounts,
 * decimals ("3.5" → "three point five"), ordinals ("21st") and plain numbers spelled out.
 */
export function spellOutNumbers(text: string): string {
  return text
    .replace(/(\d)[,](?=\d{3}\b)/g, "$1")
    .replace(/£(\d+)/g, (_m, digits: string) => `${cardinalOrDigits(digits)} ${digits === "1" ? "pound" : "pounds"}`)
    .replace(/\$(\d+)(?:\.(\d{1,2}))?/g, (_m, whole: string, cents: string | undefined) => {
      const dollars = `${numberToWords(digitsToNumber(whole) || 0)} ${whole === "1" ? "dollar" : "dollars"}`;
      if (cents === undefined || Number(cents) === 0) return dollars;
      return `${dollars} ${numberToWords(Number(cents))} ${Number(cents) === 1 ? "cent" : "cents"}`;
    })
    .replace(/(\d+)\.(\d+)/g, (_m, whole: string, fraction: string) => `${cardinalOrDigits(whole)} point ${spellDigits(fraction)}`)
    .replace(/(\d+)(st|nd|rd|th)\b/gi, (_m, digits: string) => {
      const value = digitsToNumber(digits);
      return Number.isNaN(value) ? spellDigits(digits) : ordinalToWords(value);
    })
    .replace(/\d+/g, (digits) => ` ${cardinalOrDigits(digits)} `);
}

// Letters NFKD does not decompose into ASCII.
const foldedLetters: Record<string, string> = {
  ß: "ss", æ: "ae", Æ: "AE", œ: "oe", Œ: "OE", ø: "o", Ø: "O", ł: "l", Ł: "L", đ: "d", Đ: "D", ð: "d", þ: "th", ı: "i",
};

/**
 * Text normalisation before dictionary lookup, after g2p_en (numbers spelled out, accents stripped,
 * lower case, only `a-z ' . , ? ! -` kept, "i.e."/"e.g." expanded). Deliberate difference:
 * typographic apostrophes (’ ‘ ʼ ′ `) become `'` first — upstream deletes them, turning "I’m"
 * into "im" — and dashes (– —) separate words.
 */
export function normalizeText(text: string): string {
  let normalized = text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .replace(/[ßæÆœŒøØłŁđĐðþı]/g, (ch) => foldedLetters[ch] ?? ch)
    .replace(/[\u2018\u2019\u02bc\u2032`´]/g, "'")
    .replace(/[\u2010-\u2015\u2212]/g, (ch) => (ch === "\u2010" || ch === "\u2011" ? "-" : " "))
    .replace(/&/g, " and ");
  normalized = spellOutNumbers(normalized).toLowerCase();
  normalized = normalized.replace(/[^ a-z'.,?!-]/g, (ch) => (/\s/.test(ch) ? " " : ""));
  return normalized.replace(/i\.e\./g, "that is").replace(/e\.g\./g, "for example");
}

/**
 * Splits normalised text into words: punctuation separates words and is dropped, a word keeps inner
 * apostrophes and hyphens ("don't", "well-known") and edge apostrophes ("'cause", "singin'"), and
 * a token without a letter is not a word.
 */
export function splitWords(normalized: string): string[] {
  const words: string[] = [];
  for (const token of normalized.split(/[\s.,?!]+/)) {
    const word = token.replace(/^-+|-+$/g, "").replace(/-{2,}/g, "-");
    if (/[a-z]/.test(word)) words.push(word.replace(/^'{2,}|'{2,}$/g, "'"));
  }
  return words;
}
