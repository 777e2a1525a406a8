import type { Mulberry32 } from "@autosing/base";

import { type Key, midiToHz, triad } from "./music.js";

/** What the accompaniment needs to know about the song. */
export interface Arrangement {
  key: Key;
  tempo: number;
  /** Chord per bar as a scale degree, cycled. */
  progression: readonly number[];
  /** Bass rhythm: onsets within a bar, in beats. */
  bassPattern: readonly number[];
  /** Whether the kick also plays on the "and" of beat 3. */
  syncopatedKick: boolean;
  seconds: number;
}

const TABLE_SIZE = 2048;

/** One period of a waveform with harmonic amplitudes `amps[h-1]`, for table lookup. */
function wavetable(amps: readonly number[]): Float32Array {
  const table = new Float32Array(TABLE_SIZE + 1);
  for (let i = 0; i <= TABLE_SIZE; i++) {
    let v = 0;
    amps.forEach((a, h) => {
      v += a * Math.sin((2 * Math.PI * (h + 1) * i) / TABLE_SIZE);
    });
    table[i] = v;
  }
  return table;
}

// A soft saw for the chord pad and a round, slightly buzzy bass.
const PAD_TABLE = wavetable([1, 0.45, 0.25, 0.15, 0.09, 0.05, 0.03]);
const BASS_TABLE = wavetable([1, 0.6, 0.25, 0.1]);

function addTone(
  out: Float32Array,
  sampleRate: number,
  table: Float32Array,
  hz: number,
  start: number,
  duration: number,
  gain: number,
  envelope: (t: number) => number,
): void {
  const first = Math.max(0, Math.round(start * sampleRate));
  const last = Math.min(out.length, Math.round((start + duration) * sampleRate));
  const step = (hz * TABLE_SIZE) / sampleRate;
  let phase = 0;
  for (let i = first; i < last; i++) {
    const j = Math.floor(phase);
    const frac = phase - j;
    const v = table[j]! + (table[j + 1]! - table[j]!) * frac;
    out[i] = out[i]! + gain * envelope((i - first) / sampleRate) * v;
    phase += step;
    if (phase >= TABLE_SIZE) phase -= TABLE_SIZE;
  }
}

/** Close voicing of a triad around MIDI 60 (C4). */
function voiceTriad(pcs: readonly number[]): number[] {
  return pcs.map((pc) => {
    let m = 55 + ((pc - 55 + 1200) % 12);
    if (m > 66) m -= 12;
    return m;
  });
}

/**
 * Chords (a soft pad, one triad per bar), bass (the chord root, plucked, on the song's bass
 * pattern) and drums (kick on 1 and 3, snare on 2 and 4, closed hi-hat on the eighths), all
 * synthesised at `sampleRate`. Noise comes from `rng`, so the result is reproducible.
 */
export function renderAccompaniment(arrangement: Arrangement, sampleRate: number, rng: Mulberry32): Float32Array {
  const { key, tempo, progression, seconds } = arrangement;
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const beat = 60 / tempo;
  const bar = 4 * beat;
  const bars = Math.ceil(seconds / bar);
  const padEnvelope = (duration: number) => (t: number) =>
    Math.min(1, t / 0.03) * Math.min(1, Math.max(0, (duration - t) / 0.12)) * (0.8 + 0.2 * Math.exp(-t / 0.3));
  for (let b = 0; b < bars; b++) {
    const degree = progression[b % progression.length] ?? 0;
    const pcs = triad(key, degree);
    const start = b * bar;
    for (const midi of voiceTriad(pcs)) {
      addTone(out, sampleRate, PAD_TABLE, midiToHz(midi), start, bar, 0.045, padEnvelope(bar));
    }
    const root = 36 + ((pcs[0]! - 36 + 1200) % 12);
    for (const onset of arrangement.bassPattern) {
      const duration = Math.min(beat * 1.5, bar - onset * beat);
      addTone(out, sampleRate, BASS_TABLE, midiToHz(root), start + onset * beat, duration, 0.16, (t) =>
        Math.min(1, t / 0.005) * Math.exp(-t / 0.35) * Math.min(1, Math.max(0, (duration - t) / 0.03)),
      );
    }
    for (let q = 0; q < 8; q++) {
      const t = start + (q * beat) / 2;
      if (q === 0 || q === 4 || (arrangement.syncopatedKick && q === 5)) addKick(out, sampleRate, t);
      if (q === 2 || q === 6) addSnare(out, sampleRate, t, rng);
      addHat(out, sampleRate, t, rng, q % 2 === 0 ? 0.05 : 0.03);
    }
  }
  // A short fade at the very end so the song does not stop on a click.
  const fade = Math.min(out.length, Math.round(0.3 * sampleRate));
  for (let i = 0; i < fade; i++) out[out.length - 1 - i] = out[out.length - 1 - i]! * (i / fade);
  return out;
}

function addKick(out: Float32Array, sampleRate: number, start: number): void {
  const first = Math.round(start * sampleRate);
  const length = Math.round(0.35 * sampleRate);
  let phase = 0;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const t = i / sampleRate;
    phase += (2 * Math.PI * (48 + 90 * Math.exp(-t / 0.035))) / sampleRate;
    out[first + i] = out[first + i]! + 0.3 * Math.exp(-t / 0.12) * Math.sin(phase);
  }
}

function addSnare(out: Float32Array, sampleRate: number, start: number, rng: Mulberry32): void {
  const first = Math.round(start * sampleRate);
  const length = Math.round(0.2 * sampleRate);
  let previous = 0;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const t = i / sampleRate;
    const noise = rng.next() * 2 - 1;
    const bright = noise - 0.5 * previous;
    previous = noise;
    const body = Math.sin(2 * Math.PI * 185 * t) * Math.exp(-t / 0.04);
    out[first + i] = out[first + i]! + 0.12 * (bright * Math.exp(-t / 0.06) + body);
  }
}

function addHat(out: Float32Array, sampleRate: number, start: number, rng: Mulberry32, gain: number): void {
  const first = Math.round(start * sampleRate);
  const length = Math.round(0.05 * sampleRate);
  let previous = 0;
  for (let i = 0; i < length && first + i < out.length; i++) {
    const noise = rng.next() * 2 - 1;
    // First difference: a crude high-pass that leaves the hiss.
    out[first + i] = out[first + i]! + gain * (noise - previous) * Math.exp(-i / sampleRate / 0.015);
    previous = noise;
  }
}
