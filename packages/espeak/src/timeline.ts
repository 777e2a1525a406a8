import { type ArpabetPhone, ipaToArpabet, stripStress } from "./arpabet.js";
import type { EspeakEvent } from "./engine.js";

/** A word of the input text, located by character offsets. */
export interface TextWord {
  text: string;
  /** Character offset of the word in the input text. */
  offset: number;
}

/** One phoneme as eSpeak produced it, with its time span in seconds. */
export interface TimedPhoneme {
  /** IPA without stress marks, as eSpeak names it ("oʊ", "ɑːɹ"). */
  phone: string;
  /** 0 unstressed, 1 primary (ˈ), 2 secondary (ˌ). */
  stress: 0 | 1 | 2;
  /** The phoneme in ARPAbet (one or two phones: "ɑːɹ" → AA R). */
  arpabet: ArpabetPhone[];
  /** Index into the word list this phoneme belongs to. */
  wordIndex: number;
  start: number;
  end: number;
}

/** One input word with its time span in seconds and its phonemes. */
export interface TimedWord extends TextWord {
  start: number;
  end: number;
  /** IPA phonemes without stress marks. */
  phonemes: string[];
  arpabet: ArpabetPhone[];
}

const WORD_PATTERN = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;

/** Splits text into the words that timings are reported for (letters/digits, inner ' and -). */
export function splitWords(text: string): TextWord[] {
  return [...text.matchAll(WORD_PATTERN)].map((m) => ({ text: m[0], offset: m.index }));
}

// Word events are not boundaries: eSpeak emits them when it queues a word, which can be
// before the last phoneme of the previous word has finished sounding.
const BOUNDARY_TYPES = new Set(["phoneme", "end", "msg_terminated"]);

function stressOf(ipa: string): 0 | 1 | 2 {
  if (ipa.includes("ˈ")) return 1;
  if (ipa.includes("ˌ")) return 2;
  return 0;
}

function wordAt(words: readonly TextWord[], position: number): number {
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (word !== undefined && position >= word.offset && position < word.offset + word.text.length) return i;
  }
  return -1;
}

/**
 * Builds word and phoneme timelines from eSpeak's events. A phoneme lasts from its event to
 * the next phoneme (or pause, or clause end) event. eSpeak sometimes runs two words together ("of the" gets one word
 * event); the merged phonemes are then split between the words using each word's phoneme
 * count when phonemised alone (`isolatedPhonemeCount`), in proportion if the counts disagree.
 */
export function buildTimeline(
  words: readonly TextWord[],
  events: readonly EspeakEvent[],
  durationSeconds: number,
  isolatedPhonemeCount: (word: string) => number,
): { words: TimedWord[]; phonemes: TimedPhoneme[] } {
  const phonemes: TimedPhoneme[] = [];
  let current = -1;
  for (let e = 0; e < events.length; e++) {
    const event = events[e];
    if (event === undefined) continue;
    if (event.type === "word") {
      const index = wordAt(words, event.textPosition - 1);
      if (index >= 0) current = index;
      continue;
    }
    if (event.type !== "phoneme" || typeof event.id !== "string" || event.id === "" || current < 0) continue;
    const start = event.audioPosition / 1000;
    let end = durationSeconds;
    for (let n = e + 1; n < events.length; n++) {
      const next = events[n];
      if (next !== undefined && BOUNDARY_TYPES.has(next.type)) {
        end = next.audioPosition / 1000;
        break;
      }
    }
    const phone = stripStress(event.id);
    phonemes.push({
      phone,
      stress: stressOf(event.id),
      arpabet: ipaToArpabet(phone),
      wordIndex: current,
      start: Math.min(start, durationSeconds),
      end: Math.min(Math.max(end, start), durationSeconds),
    });
  }
  splitMergedWords(words, phonemes, isolatedPhonemeCount);

  const timed: TimedWord[] = words.map((word) => ({ ...word, start: NaN, end: NaN, phonemes: [], arpabet: [] }));
  for (const phoneme of phonemes) {
    const word = timed[phoneme.wordIndex];
    if (word === undefined) continue;
    if (Number.isNaN(word.start)) word.start = phoneme.start;
    word.end = phoneme.end;
    word.phonemes.push(phoneme.phone);
    word.arpabet.push(...phoneme.arpabet);
  }
  // A word eSpeak did not voice at all (rare: a lone symbol) gets a zero-length span at the
  // end of the word before it, so the word list stays monotonic.
  let previousEnd = 0;
  for (const word of timed) {
    if (Number.isNaN(word.start)) {
      word.start = previousEnd;
      word.end = previousEnd;
    }
    previousEnd = word.end;
  }
  return { words: timed, phonemes };
}

function splitMergedWords(
  words: readonly TextWord[],
  phonemes: TimedPhoneme[],
  isolatedPhonemeCount: (word: string) => number,
): void {
  const counts = new Array<number>(words.length).fill(0);
  for (const p of phonemes) counts[p.wordIndex] = (counts[p.wordIndex] ?? 0) + 1;
  let w = 0;
  while (w < words.length) {
    // A run: word w has phonemes, the words after it have none.
    let last = w;
    while (last + 1 < words.length && counts[last + 1] === 0) last++;
    if (last > w && (counts[w] ?? 0) > 0) {
      const group = words.slice(w, last + 1);
      const groupPhonemes = phonemes.filter((p) => p.wordIndex === w);
      const wanted = group.map((word) => Math.max(1, isolatedPhonemeCount(word.text)));
      const shares = apportion(groupPhonemes.length, wanted);
      let k = 0;
      shares.forEach((share, g) => {
        for (let s = 0; s < share; s++) {
          const p = groupPhonemes[k++];
          if (p !== undefined) p.wordIndex = w + g;
        }
      });
    }
    w = last + 1;
  }
}

/** Splits `total` items into parts proportional to `wanted`, exact when the sums agree. */
function apportion(total: number, wanted: readonly number[]): number[] {
  const sum = wanted.reduce((a, b) => a + b, 0);
  if (sum === total) return [...wanted];
  const shares = wanted.map((x) => Math.floor((x * total) / sum));
  let left = total - shares.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % shares.length, left--) shares[i] = (shares[i] ?? 0) + 1;
  return shares;
}
