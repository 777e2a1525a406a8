import type { Mulberry32 } from "@autosing/base";
import { type PhonemizedWord, phonemize } from "@autosing/espeak";
import { dictionary } from "cmu-pronouncing-dictionary";

import { VOCABULARY_ENTRIES } from "./vocabulary.generated.js";

const VOCABULARY: ReadonlyMap<string, number> = new Map(VOCABULARY_ENTRIES);

// Word classes for the line templates: simple, singable, common English words.
const NOUNS = [
  "river", "morning", "light", "heart", "dream", "night", "song", "fire", "summer", "window", "thunder", "shadow",
  "voice", "ocean", "rain", "silver", "tree", "cloud", "garden", "road", "city", "mountain", "sky", "star", "moon",
  "sun", "wind", "water", "winter", "flower", "forest", "island", "river", "valley", "highway", "candle", "mirror",
  "letter", "story", "morning", "evening", "shadow", "harbor", "meadow", "desert", "rainbow", "sea", "heaven", "home",
  "door", "field", "hill", "lake", "stone", "bird", "horse", "train", "ship", "dance", "music", "memory", "feeling",
  "kingdom", "angel", "lantern", "paper", "picture", "season", "secret", "silence", "sunrise", "sunset", "thunder", "ember",
];
const ADJECTIVES = [
  "golden", "silver", "gentle", "quiet", "bright", "lonely", "happy", "yellow", "sweet", "green", "blue", "broken",
  "endless", "hollow", "distant", "wild", "tender", "lucky", "simple", "heavy", "empty", "open", "little", "holy",
  "hidden", "restless", "shining", "silent", "summer", "velvet", "crimson", "faded", "easy", "early", "only", "brave",
];
const VERBS = [
  "sing", "dance", "dream", "run", "fly", "hold", "call", "find", "follow", "remember", "carry", "wander", "wait",
  "shine", "fall", "rise", "walk", "burn", "breathe", "hide", "know", "love", "miss", "open", "leave", "stay", "turn",
];
const GERUNDS = [
  "singing", "dancing", "dreaming", "running", "flying", "falling", "shining", "calling", "waiting", "burning",
  "turning", "walking", "rising", "fading", "drifting", "glowing", "rolling", "floating", "sleeping", "crying",
];
const PREPOSITIONS = ["in", "on", "under", "over", "beyond", "across", "along", "into", "through", "behind", "beside"];
const PRONOUNS = ["I", "we", "you", "they"];
const TIMES = ["tonight", "today", "again", "forever", "away", "alone", "together"];

type Slot = "N" | "A" | "V" | "G" | "P" | "R" | "T";
const POOLS: Record<Slot, readonly string[]> = {
  N: NOUNS,
  A: ADJECTIVES,
  V: VERBS,
  G: GERUNDS,
  P: PREPOSITIONS,
  R: PRONOUNS,
  T: TIMES,
};

/** Line templates: `{X}` slots are filled from the word classes above, other words are kept. */
const TEMPLATES = [
  "the {A} {N} is {G} {P} the {N}",
  "{R} {V} the {A} {N} {T}",
  "{A} {N} {P} the {A} {N}",
  "{R} will {V} {P} the {N} {T}",
  "{G} {P} the {N} of {N}",
  "when the {N} is {A} {R} {V}",
  "{R} keep on {G} {T}",
  "and the {N} is {A} {T}",
  "{R} {V} the {N} and {V} the {N}",
  "{G} {P} the {A} {N}",
  // Short lines, for songs too short for two-bar lines.
  "{R} {V} {T}",
  "{A} {N} {T}",
  "{G} {T}",
  "the {A} {N}",
];

/** Syllables of a word in the CMU dictionary (its stressed vowels), or undefined if absent. */
export function cmuSyllables(word: string): number | undefined {
  const entry = dictionary[word.toLowerCase()];
  if (entry === undefined) return undefined;
  return (entry.match(/[012]/g) ?? []).length;
}

/** Number of eSpeak phonemes that carry a vowel: the syllable nuclei the singer will use. */
export function espeakNuclei(word: Pick<PhonemizedWord, "phonemes">): number {
  return word.phonemes.filter((p) => isNucleus(p)).length;
}

/** True for an eSpeak IPA phoneme that contains a vowel (a syllable nucleus). */
export function isNucleus(ipaPhone: string): boolean {
  return /[aeiouæɑɒɔəɚɛɜɝɪʊʌɐᵻ]/u.test(ipaPhone) || /[\u0329]/u.test(ipaPhone);
}

/**
 * Computes the usable vocabulary: template words that are in the CMU dictionary and whose CMU
 * syllable count equals the number of vowel nuclei eSpeak gives them (so a note per CMU
 * syllable is a note per sung syllable; "fire" — 2 in CMU, 1 eSpeak phoneme "aɪɚ" — is
 * dropped). The result is committed as `vocabulary.generated.ts` (eSpeak takes ~2 s to
 * check every word); a test recomputes it and compares.
 */
export function computeVocabulary(): Promise<Map<string, number>> {
  return (async () => {
    const fixed = TEMPLATES.join(" ").replace(/\{[A-Z]\}/g, " ").split(/\s+/).filter((w) => w !== "");
    const words = [...new Set([...Object.values(POOLS).flat(), ...fixed])];
    const phonemized = await phonemize(words.join(" "));
    const usable = new Map<string, number>();
    phonemized.forEach((p, i) => {
      const word = words[i];
      const cmu = word === undefined ? undefined : cmuSyllables(word);
      if (word !== undefined && cmu !== undefined && cmu === espeakNuclei(p)) usable.set(word, cmu);
    });
    return usable;
  })();
}

/** The committed vocabulary (word → CMU syllables); see `computeVocabulary`. */
export function vocabulary(): ReadonlyMap<string, number> {
  return VOCABULARY;
}

/** One lyric line with its CMU syllable count. */
export interface LyricLine {
  text: string;
  syllables: number;
}

/**
 * Draws a lyric line from the templates with between `minSyllables` and `maxSyllables`
 * syllables (CMU counts). Retries with other templates/words until it fits.
 */
export function drawLine(rng: Mulberry32, vocab: ReadonlyMap<string, number>, minSyllables: number, maxSyllables: number): LyricLine {
  const pools = Object.fromEntries(
    Object.entries(POOLS).map(([slot, words]) => [slot, words.filter((w) => vocab.has(w))]),
  ) as Record<Slot, string[]>;
  for (let attempt = 0; attempt < 200; attempt++) {
    const template = rng.pick(TEMPLATES);
    const words = template.split(" ").map((token) => {
      const slot = /^\{([A-Z])\}$/.exec(token)?.[1] as Slot | undefined;
      return slot === undefined ? token : rng.pick(pools[slot]);
    });
    if (words.some((w) => !vocab.has(w))) continue;
    const syllables = words.reduce((n, w) => n + (vocab.get(w) ?? 0), 0);
    if (syllables >= minSyllables && syllables <= maxSyllables) {
      const text = words.join(" ");
      return { text: text.charAt(0).toUpperCase() + text.slice(1), syllables };
    }
  }
  throw new RangeError(`no lyric line of ${minSyllables}..${maxSyllables} syllables after 200 attempts`);
}
