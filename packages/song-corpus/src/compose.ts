import type { Mulberry32 } from "@autosing/base";
import type { Artist } from "./artists.js";
import { type Key, scaleNotes, triad } from "./music.js";

/** One note of the melody, in beats from the song start. */
export interface MelodyNote {
  beat: number;
  beats: number;
  midi: number;
}

/**
 * Rhythm of one lyric line: `count` notes inside `availableBeats`, on an eighth-note grid
 * (a sixteenth grid when eSpeak gave the line more syllables than eighths fit). Every syllable
 * gets at least one grid step; the spare steps lengthen the last note first (a held line
 * ending), then random notes; one or two may stay as a breath before the next line.
 */
export function lineRhythm(rng: Mulberry32, count: number, availableBeats: number): number[] {
  const perBeat = count <= Math.floor(availableBeats * 2) ? 2 : 4;
  const steps = Math.floor(availableBeats * perBeat);
  if (count > steps) throw new RangeError(`${count} syllables do not fit ${availableBeats} beats`);
  const lengths = new Array<number>(count).fill(1);
  let spare = steps - count - rng.int(0, Math.min(2, steps - count));
  const hold = Math.min(spare, rng.int(1, 3));
  lengths[count - 1] = lengths[count - 1]! + hold;
  spare -= hold;
  while (spare > 0) {
    const i = rng.int(0, count - 1);
    lengths[i] = lengths[i]! + 1;
    spare--;
  }
  return lengths.map((n) => n / perBeat);
}

/**
 * A melody for one line: mostly stepwise motion on the scale within the artist's range,
 * chord tones on the beats (chord `chordAt(beat)` as a scale degree), ending on a chord tone.
 */
export function lineMelody(
  rng: Mulberry32,
  key: Key,
  artist: Artist,
  onsets: readonly number[],
  chordAt: (beat: number) => number,
  previous: number | undefined,
): number[] {
  const [lo, hi] = artist.range;
  const scale = scaleNotes(key, lo, hi);
  const chordTones = (beat: number): number[] => {
    const pcs = new Set(triad(key, chordAt(beat)));
    return scale.filter((m) => pcs.has(m % 12));
  };
  const nearest = (candidates: readonly number[], target: number): number =>
    candidates.reduce((best, m) => (Math.abs(m - target) < Math.abs(best - target) ? m : best), candidates[0] ?? target);
  const middle = (lo + hi) / 2;
  let current = previous ?? nearest(chordTones(onsets[0] ?? 0), middle + rng.uniform(-3, 3));
  const notes: number[] = [];
  onsets.forEach((beat, i) => {
    let index = scale.indexOf(nearest(scale, current));
    const r = rng.next();
    if (i > 0 || previous !== undefined) {
      if (r < 0.6) index += rng.next() < 0.5 ? -1 : 1;
      else if (r < 0.8) index += rng.pick([-3, -2, 2, 3]);
      // Pull back towards the middle of the range so the line does not drift to an edge.
      if (scale[index] !== undefined && Math.abs(scale[index]! - middle) > 5) index += scale[index]! > middle ? -1 : 1;
    }
    index = Math.max(0, Math.min(scale.length - 1, index));
    let note = scale[index] ?? current;
    const onBeat = Math.abs(beat - Math.round(beat)) < 1e-9;
    if (onBeat || i === onsets.length - 1) note = nearest(chordTones(beat), note);
    notes.push(note);
    current = note;
  });
  return notes;
}
