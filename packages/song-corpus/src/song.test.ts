import { dictionary } from "cmu-pronouncing-dictionary";
import { beforeAll, describe, expect, it } from "vitest";

import { ARPABET_PHONES } from "@autosing/espeak";

import { computeVocabulary, hzToMidi, makeTestCorpus, medianPitch, renderSong, renderVocabularyModule, trackPitch, vocabulary } from "./index.js";
import type { Song } from "./index.js";
import { CorpusOptionError } from "./errors.js";
import { VOCABULARY_ENTRIES } from "./vocabulary.generated.js";

let songs: Song[];

beforeAll(async () => {
  songs = await makeTestCorpus();
}, 300_000);

/** Cents error of each note's median pitch (middle half of its vowel) in the vocal stem. */
function noteErrors(song: Song): number[] {
  const sr = song.sampleRate;
  const errors: number[] = [];
  for (const note of song.notes) {
    const quarter = 0.25 * (note.vowelEnd - note.vowelStart);
    const a = note.vowelStart + quarter;
    const b = note.vowelEnd - quarter;
    if (b - a < 0.03) continue;
    const i0 = Math.max(0, Math.floor((a - 0.03) * sr));
    const i1 = Math.min(song.vocals.length, Math.ceil((b + 0.03) * sr));
    const track = trackPitch(song.vocals.subarray(i0, i1), sr, { minHz: 70, maxHz: 900, frame: 0.03, hop: 0.005 });
    const hz = medianPitch(track, a - i0 / sr, b - i0 / sr);
    errors.push(hz === undefined ? Infinity : Math.abs(100 * (hzToMidi(hz) - note.midi)));
  }
  return errors;
}

/** RMS of the vocal stem in 2.5 ms frames. */
function frameRms(song: Song): { rms: Float64Array; hop: number } {
  const hop = Math.round(0.0025 * song.sampleRate);
  const rms = new Float64Array(Math.floor(song.vocals.length / hop));
  for (let f = 0; f < rms.length; f++) {
    let sum = 0;
    for (let i = f * hop; i < (f + 1) * hop; i++) sum += song.vocals[i]! ** 2;
    rms[f] = Math.sqrt(sum / hop);
  }
  return { rms, hop: hop / song.sampleRate };
}

describe("renderSong", () => {
  it("is deterministic: the same seed and index give identical audio and truth", async () => {
    const again = await renderSong({ seed: 7, index: 1, seconds: 10 });
    const first = songs[1]!;
    // Compared as bytes: a failing toEqual on 320k floats would take minutes to diff.
    expect(Buffer.from(again.mix.buffer).equals(Buffer.from(first.mix.buffer))).toBe(true);
    expect(again.words).toEqual(first.words);
    expect(again.phonemes).toEqual(first.phonemes);
    expect(again.lrcLyrics).toBe(first.lrcLyrics);
  }, 300_000);

  it("gives different songs for different indices and seeds", async () => {
    expect(songs[0]!.rawLyrics).not.toBe(songs[1]!.rawLyrics);
    const other = await renderSong({ seed: 8, index: 0, seconds: 10 });
    expect(other.rawLyrics).not.toBe(songs[0]!.rawLyrics);
  }, 300_000);

  it("mixes stems that sum to the mix exactly, on the 16-bit grid, without clipping", () => {
    for (const song of songs) {
      expect(song.mix.length).toBe(10 * song.sampleRate);
      for (let i = 0; i < song.mix.length; i++) {
        if (song.mix[i] !== song.vocals[i]! + song.accompaniment[i]!) throw new Error(`${song.id}: mix differs at sample ${i}`);
      }
      const peak = song.mix.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(peak).toBeGreaterThan(0.5);
      expect(peak).toBeLessThan(1);
      expect(Number.isInteger(song.vocals[1234]! * 32768)).toBe(true);
    }
  });

  it("sings each note within 50 cents (median) of its target", () => {
    const all: number[] = [];
    for (const song of songs) {
      const errors = noteErrors(song);
      // Nearly every note has a vowel long enough to measure.
      expect(errors.length).toBeGreaterThanOrEqual(0.8 * song.notes.length);
      all.push(...errors);
    }
    all.sort((a, b) => a - b);
    const median = all[Math.floor(all.length / 2)]!;
    expect(median).toBeLessThan(50);
    // And the bulk, not only the median, is on pitch.
    expect(all[Math.floor(all.length * 0.9)]!).toBeLessThan(100);
  });

  it("puts the sung words where the truth says: onsets and offsets within 20 ms", () => {
    for (const song of songs) {
      const { rms, hop } = frameRms(song);
      const threshold = 0.01 * rms.reduce((m, v) => Math.max(m, v), 0);
      // Words that follow a pause (line starts, gaps between words): the sound starts at the word.
      song.words.forEach((word, w) => {
        const previousEnd = w === 0 ? 0 : song.words[w - 1]!.end;
        if (word.start - previousEnd < 0.03) return;
        let f = Math.floor((previousEnd + 0.012) / hop);
        while (f < rms.length && rms[f]! < threshold) f++;
        expect(Math.abs(f * hop - word.start), `${song.id} word ${w} ${word.text} onset`).toBeLessThanOrEqual(0.02);
      });
      // After each line's last word the vocal falls silent within 20 ms.
      for (const line of song.lines) {
        let f = Math.min(rms.length - 1, Math.floor((line.end + 0.2) / hop));
        while (f > 0 && rms[f]! < threshold) f--;
        expect(Math.abs((f + 1) * hop - line.end), `${song.id} line offset`).toBeLessThanOrEqual(0.02);
      }
    }
  });

  it("stamps LRC lines at their first word and keeps word/phoneme truth consistent", () => {
    for (const song of songs) {
      const stamps = song.lrcLyrics.split("\n").map((line) => {
        const m = /^\[(\d\d):(\d\d)\.(\d\d)\](.*)$/.exec(line);
        if (m === null) throw new Error(`bad LRC line ${line}`);
        return { time: Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) / 100, text: m[4] };
      });
      expect(stamps.length).toBeGreaterThanOrEqual(2);
      stamps.forEach((stamp, i) => {
        expect(Math.abs(stamp.time - song.lines[i]!.start)).toBeLessThanOrEqual(0.005);
        expect(stamp.text).toBe(song.rawLyrics.split("\n")[i]);
      });
      let last = 0;
      for (const p of song.phonemes) {
        expect((ARPABET_PHONES as readonly string[]).includes(p.phone)).toBe(true);
        const word = song.words[p.word]!;
        expect(p.start).toBeGreaterThanOrEqual(word.start - 1e-9);
        expect(p.end).toBeLessThanOrEqual(word.end + 1e-9);
        expect(p.start).toBeGreaterThanOrEqual(last - 1e-9);
        last = p.end;
      }
      // One note per syllable: as many notes as CMU syllables in the lyrics.
      const syllables = song.words.reduce((n, w) => n + (dictionary[w.text.toLowerCase()]?.match(/[012]/g)?.length ?? 0), 0);
      expect(song.notes.length).toBe(syllables);
    }
  });

  it("rejects songs too short for two lines", async () => {
    await expect(renderSong({ seed: 1, index: 0, seconds: 5 })).rejects.toBeInstanceOf(CorpusOptionError);
  });
});

describe("vocabulary", () => {
  it("is the committed vocabulary.generated.ts (regenerate with `pnpm run generate:vocabulary`)", async () => {
    const fresh = await computeVocabulary();
    expect(renderVocabularyModule(fresh)).toBe(renderVocabularyModule(new Map(VOCABULARY_ENTRIES)));
    expect(vocabulary().size).toBeGreaterThan(100);
  }, 300_000);
});
