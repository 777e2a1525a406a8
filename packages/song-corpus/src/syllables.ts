import type { TimedPhoneme, TimedWord } from "@autosing/espeak";

import { isNucleus } from "./lyrics.js";

/** One sung syllable of the eSpeak source: a run of phonemes around one vowel nucleus. */
export interface SourceSyllable {
  wordIndex: number;
  /** Phoneme index range [first, last] (inclusive) into the synthesis phoneme list. */
  first: number;
  last: number;
  /** Index of the nucleus phoneme. */
  nucleus: number;
  /** Source times in seconds: start, nucleus start, nucleus end, end. */
  start: number;
  vowelStart: number;
  vowelEnd: number;
  end: number;
}

/**
 * Splits each word's eSpeak phonemes into syllables: one per vowel nucleus; consonants before
 * the first nucleus open it, consonants after the last close it, and between two nuclei a
 * single consonant opens the next syllable while a cluster gives its first consonant to the
 * syllable before (a simple maximal-onset rule). A word without a vowel is one syllable.
 */
export function syllabify(words: readonly TimedWord[], phonemes: readonly TimedPhoneme[]): SourceSyllable[] {
  const syllables: SourceSyllable[] = [];
  words.forEach((_word, wordIndex) => {
    const indices: number[] = [];
    phonemes.forEach((p, i) => {
      if (p.wordIndex === wordIndex) indices.push(i);
    });
    if (indices.length === 0) return;
    const nuclei = indices.filter((i) => isNucleus(phonemes[i]!.phone));
    if (nuclei.length === 0) nuclei.push(indices[Math.floor(indices.length / 2)]!);
    const firstIndex = indices[0]!;
    const lastIndex = indices[indices.length - 1]!;
    nuclei.forEach((nucleus, k) => {
      let first = firstIndex;
      if (k > 0) {
        const previous = nuclei[k - 1]!;
        const consonants = nucleus - previous - 1;
        first = consonants >= 2 ? previous + 2 : previous + 1;
      }
      let last = lastIndex;
      if (k + 1 < nuclei.length) {
        const next = nuclei[k + 1]!;
        const consonants = next - nucleus - 1;
        last = consonants >= 2 ? nucleus + 1 : nucleus;
      }
      syllables.push({
        wordIndex,
        first,
        last,
        nucleus,
        start: phonemes[first]!.start,
        vowelStart: phonemes[nucleus]!.start,
        vowelEnd: phonemes[nucleus]!.end,
        end: phonemes[last]!.end,
      });
    });
  });
  return syllables;
}
