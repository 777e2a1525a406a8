import { dictionary } from "cmu-pronouncing-dictionary";
import { describe, expect, it } from "vitest";

import {
  ARPABET_PHONES,
  EspeakError,
  EspeakOptionError,
  arpabetTimeline,
  ipaToArpabet,
  isArpabetPhone,
  phonemize,
  splitWords,
  synthesize,
} from "./index.js";

const SENTENCE = "Of the water in a little garden, we sing a song tonight";

function cmu(word: string): string {
  const entry = dictionary[word.toLowerCase()];
  if (entry === undefined) throw new Error(`no CMU entry for ${word}`);
  return entry.replace(/[0-9]/g, "");
}

describe("ipaToArpabet", () => {
  it("maps eSpeak phonemes, stress removed, longest match first", () => {
    expect(ipaToArpabet("həlˈoʊ")).toEqual(["HH", "AH", "L", "OW"]);
    expect(ipaToArpabet("ɡˈɑːɹdən")).toEqual(["G", "AA", "R", "D", "AH", "N"]);
    expect(ipaToArpabet("bˈʌʔn̩")).toEqual(["B", "AH", "T", "AH", "N"]);
    expect(ipaToArpabet("tʃˈɜːtʃ")).toEqual(["CH", "ER", "CH"]);
  });

  it("only produces the 39 charsiu phones", () => {
    expect(ARPABET_PHONES).toHaveLength(39);
    for (const ipa of ["ɐ", "ᵻ", "ɾ", "aɪɚ", "ʊɹ", "dʒ", "ʒ", "θ", "ŋ", "ɔɪ"]) {
      for (const phone of ipaToArpabet(ipa)) expect(isArpabetPhone(phone)).toBe(true);
    }
  });
});

describe("phonemize", () => {
  it("returns one entry per word, punctuation dropped, merged words split", async () => {
    const words = await phonemize(SENTENCE);
    expect(words.map((w) => w.text)).toEqual(splitWords(SENTENCE).map((w) => w.text));
    // eSpeak runs "of the" together; each word still gets its own phonemes.
    expect(words[0]?.arpabet).toEqual(["AH", "V"]);
    expect(words[1]?.arpabet).toEqual(["DH", "AH"]);
    for (const w of words) expect(w.phonemes.length).toBeGreaterThan(0);
  });

  it("matches CMU-dictionary pronunciations for most common words", async () => {
    const list = [
      "hello", "world", "music", "garden", "river", "morning", "light", "heart", "dream", "night",
      "sing", "song", "fire", "summer", "happy", "yellow", "window", "thunder", "shadow", "voice",
      "dance", "green", "ocean", "rain", "silver", "tree", "mother", "cloud", "sweet", "golden",
    ];
    const words = await phonemize(list.join(" "));
    expect(words).toHaveLength(list.length);
    const mismatches = words.filter((w) => w.arpabet.join(" ") !== cmu(w.text)).map((w) => `${w.text}: ${w.arpabet.join(" ")} vs ${cmu(w.text)}`);
    // American eSpeak differs from CMU on a few vowels ("dance", unstressed schwas); most agree.
    expect(mismatches.length, mismatches.join("; ")).toBeLessThanOrEqual(list.length * 0.2);
  });
});

describe("synthesize", () => {
  it("is deterministic: equal inputs give identical samples and timings", async () => {
    // A variant voice with breath noise: eSpeak seeds that noise from the clock.
    const options = { voice: "en-us+f3", rate: 160, pitch: 40, pitchRange: 0 };
    const a = await synthesize(SENTENCE, options);
    await synthesize("something else in between", { voice: "en-gb-x-rp+m2" });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const b = await synthesize(SENTENCE, options);
    expect(a.sampleRate).toBe(22050);
    // Compared as bytes: a failing toEqual on 100k floats would take minutes to diff.
    expect(Buffer.from(b.samples.buffer).equals(Buffer.from(a.samples.buffer))).toBe(true);
    expect(b.words).toEqual(a.words);
    expect(b.phonemes).toEqual(a.phonemes);
  });

  it("gives monotonic word and phoneme timings inside the audio", async () => {
    const s = await synthesize(SENTENCE);
    const duration = s.samples.length / s.sampleRate;
    expect(s.words.map((w) => w.text)).toEqual(splitWords(SENTENCE).map((w) => w.text));
    let last = 0;
    for (const w of s.words) {
      expect(w.start).toBeGreaterThanOrEqual(last);
      expect(w.end).toBeGreaterThan(w.start);
      expect(w.end).toBeLessThanOrEqual(duration);
      last = w.end;
    }
    last = 0;
    for (const p of s.phonemes) {
      expect(p.start).toBeGreaterThanOrEqual(last);
      expect(p.end).toBeGreaterThanOrEqual(p.start);
      last = p.end;
    }
    const arpabet = arpabetTimeline(s.phonemes);
    expect(arpabet.length).toBeGreaterThanOrEqual(s.phonemes.length);
  });

  it("puts the sound inside the word spans", async () => {
    const s = await synthesize("hello. world.");
    let inside = 0;
    let total = 0;
    s.samples.forEach((v, i) => {
      const t = i / s.sampleRate;
      total += v * v;
      if (s.words.some((w) => t >= w.start - 0.01 && t < w.end + 0.01)) inside += v * v;
    });
    expect(inside / total).toBeGreaterThan(0.97);
  });

  it("changes the voice with variants and pitch", async () => {
    const base = await synthesize("hello", { pitchRange: 0 });
    const female = await synthesize("hello", { voice: "en-us+f3", pitchRange: 0 });
    expect(Buffer.from(female.samples.buffer).equals(Buffer.from(base.samples.buffer))).toBe(false);
  });

  it("rejects bad options with EspeakOptionError", async () => {
    await expect(synthesize("hi", { rate: 1000 })).rejects.toBeInstanceOf(EspeakOptionError);
    const error = await synthesize("hi", { voice: "xx-nonexistent" }).catch((e: unknown) => e);
    expect(EspeakError.isInstance(error)).toBe(true);
    expect(String(error)).toContain("xx-nonexistent");
  });
});
