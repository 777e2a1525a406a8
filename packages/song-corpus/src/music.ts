import type { Mulberry32 } from "@autosing/base";

export const NOTE_NAMES = ["C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B"] as const;

export type Mode = "major" | "minor";

/** Semitone offsets of the scale degrees from the tonic. */
export const SCALES: Record<Mode, readonly number[]> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
};

/** Common pop progressions as scale degrees (0 = I / i), one chord per bar. */
export const PROGRESSIONS: Record<Mode, readonly (readonly number[])[]> = {
  major: [
    [0, 4, 5, 3], // I V vi IV
    [0, 5, 3, 4], // I vi IV V
    [5, 3, 0, 4], // vi IV I V
    [0, 3, 4, 3], // I IV V IV
    [1, 4, 0, 0], // ii V I I
    [0, 3, 0, 4], // I IV I V
  ],
  minor: [
    [0, 5, 2, 6], // i VI III VII
    [0, 3, 4, 0], // i iv v i
    [0, 6, 5, 6], // i VII VI VII
    [0, 5, 3, 4], // i VI iv v
  ],
};

export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

export function hzToMidi(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

export function noteName(midi: number): string {
  const name = NOTE_NAMES[((Math.round(midi) % 12) + 12) % 12] ?? "?";
  return `${name}${Math.floor(Math.round(midi) / 12) - 1}`;
}

/** A key: tonic pitch class (0 = C) and mode. */
export interface Key {
  tonic: number;
  mode: Mode;
}

/** Pitch classes (0..11) of the triad built on scale degree `degree` of `key`. */
export function triad(key: Key, degree: number): number[] {
  const scale = SCALES[key.mode];
  return [0, 2, 4].map((step) => {
    const d = degree + step;
    const semis = (scale[d % 7] ?? 0) + 12 * Math.floor(d / 7);
    return (key.tonic + semis) % 12;
  });
}

/** MIDI numbers of the scale of `key` within [lo, hi]. */
export function scaleNotes(key: Key, lo: number, hi: number): number[] {
  const pcs = new Set(SCALES[key.mode].map((s) => (key.tonic + s) % 12));
  const notes: number[] = [];
  for (let m = Math.ceil(lo); m <= hi; m++) if (pcs.has(((m % 12) + 12) % 12)) notes.push(m);
  return notes;
}

export function randomKey(rng: Mulberry32): Key {
  return { tonic: rng.int(0, 11), mode: rng.next() < 0.65 ? "major" : "minor" };
}

export function keyName(key: Key): string {
  return `${NOTE_NAMES[key.tonic] ?? "?"} ${key.mode}`;
}
