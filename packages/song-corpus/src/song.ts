import { Mulberry32 } from "@autosing/base";
import { type ArpabetPhone, synthesize } from "@autosing/espeak";

import { renderAccompaniment } from "./accompaniment.js";
import { ARTISTS, type Artist } from "./artists.js";
import { lineMelody, lineRhythm } from "./compose.js";
import { CorpusOptionError, SongRenderError } from "./errors.js";
import { drawLine, vocabulary } from "./lyrics.js";
import { type Key, PROGRESSIONS, keyName, midiToHz, randomKey } from "./music.js";
import { analysePitchMarks, renderPsola } from "./psola.js";
import { syllabify } from "./syllables.js";

/** A word of the lyrics with its sung time span (seconds). */
export interface WordTruth {
  text: string;
  line: number;
  start: number;
  end: number;
}

/** An ARPAbet phone of the sung vocal with its time span (seconds) and word index. */
export interface PhonemeTruth {
  phone: ArpabetPhone;
  /** eSpeak's IPA phoneme this phone came from. */
  ipa: string;
  word: number;
  start: number;
  end: number;
}

/** One sung note: a syllable on a pitch. */
export interface NoteTruth {
  midi: number;
  hz: number;
  word: number;
  /** Span of the note (seconds) and of its vowel, where the pitch is steadiest. */
  start: number;
  end: number;
  vowelStart: number;
  vowelEnd: number;
}

export interface LineTruth {
  text: string;
  start: number;
  end: number;
}

/** A rendered song: mix, stems and the truth about them. */
export interface Song {
  id: string;
  index: number;
  artist: string;
  key: string;
  tempo: number;
  sampleRate: number;
  /** Mono mix = vocals + accompaniment, exactly, all on the 16-bit grid. */
  mix: Float32Array;
  vocals: Float32Array;
  accompaniment: Float32Array;
  lines: LineTruth[];
  words: WordTruth[];
  phonemes: PhonemeTruth[];
  notes: NoteTruth[];
  /** LRC text: one `[mm:ss.xx]line` per lyric line, stamped at the line's first word. */
  lrcLyrics: string;
  /** The lyric lines joined by newlines. */
  rawLyrics: string;
}

export interface SongOptions {
  /** Corpus seed; with `index` it fixes the song. */
  seed: number;
  index: number;
  /** Song length in seconds (>= 9). Default 60. */
  seconds?: number;
  /** Output sample rate, 32000 or 44100. Default 32000. */
  sampleRate?: number;
}

export const MIN_SECONDS = 9;

/** Song id: seed and index, so ids from different seeds never collide. */
export function songId(seed: number, index: number): string {
  return `synth-${seed}-${String(index).padStart(5, "0")}`;
}

function lrcStamp(seconds: number): string {
  const centis = Math.round(seconds * 100);
  const minutes = Math.floor(centis / 6000);
  const rest = centis - minutes * 6000;
  return `[${String(minutes).padStart(2, "0")}:${String(Math.floor(rest / 100)).padStart(2, "0")}.${String(rest % 100).padStart(2, "0")}]`;
}

/** Piecewise-linear map through matching knot lists (both non-decreasing). */
function piecewise(from: readonly number[], to: readonly number[], x: number): number {
  if (x <= from[0]!) return to[0]!;
  for (let i = 1; i < from.length; i++) {
    const a = from[i - 1]!;
    const b = from[i]!;
    if (x <= b) return b > a ? to[i - 1]! + ((x - a) / (b - a)) * (to[i]! - to[i - 1]!) : to[i]!;
  }
  return to[to.length - 1]!;
}

function quantize16(x: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(x * 32768))) / 32768;
}

interface Plan {
  id: string;
  artist: Artist;
  key: Key;
  tempo: number;
  progression: readonly number[];
  lineBars: number;
  lines: string[];
}

function planSong(rng: Mulberry32, id: string, seconds: number): Plan {
  const artist = rng.pick(ARTISTS);
  const key = randomKey(rng);
  const tempo = rng.int(84, 128);
  const progression = rng.pick(PROGRESSIONS[key.mode]);
  const bar = (4 * 60) / tempo;
  const bars = Math.floor(seconds / bar);
  const lineBars = bars >= 5 ? 2 : 1;
  const count = Math.floor((bars - 1) / lineBars);
  if (count < 2) throw new SongRenderError(id, `${seconds} s at ${tempo} bpm leaves room for ${count} lyric line(s); two are needed`);
  const vocab = vocabulary();
  // Leave two eighths of slack below the line's capacity: eSpeak in context may add a syllable.
  const [minSyllables, maxSyllables] = lineBars === 2 ? [6, 11] : [3, 5];
  const lines = Array.from({ length: count }, () => drawLine(rng, vocab, minSyllables, maxSyllables).text);
  return { id, artist, key, tempo, progression, lineBars, lines };
}

/**
 * Renders song `index` of corpus `seed`: lyrics, eSpeak source (monotone), PSOLA to the
 * melody, accompaniment, mix, and the truth. Deterministic: equal options give identical songs.
 */
export async function renderSong(options: SongOptions): Promise<Song> {
  const seconds = options.seconds ?? 60;
  const sampleRate = options.sampleRate ?? 32000;
  if (!(Number.isFinite(seconds) && seconds >= MIN_SECONDS)) {
    throw new CorpusOptionError("seconds", seconds, `songs need at least ${MIN_SECONDS} s for two lyric lines`);
  }
  if (sampleRate !== 32000 && sampleRate !== 44100) throw new CorpusOptionError("sampleRate", sampleRate, "use 32000 or 44100");
  const id = songId(options.seed, options.index);
  const rng = Mulberry32.fromNumbers(options.seed, options.index);
  const plan = planSong(rng, id, seconds);
  const { artist, key, tempo } = plan;
  const beat = 60 / tempo;

  // eSpeak source: the whole lyric in one call, monotone, so PSOLA only has to move a flat pitch.
  const text = plan.lines.join(". ");
  const speech = await synthesize(text, {
    voice: artist.voice,
    rate: artist.espeakRate,
    pitch: artist.espeakPitch,
    pitchRange: 0,
  });
  const sourceRate = speech.sampleRate;
  const lineStarts: number[] = [];
  plan.lines.reduce((offset, line) => {
    lineStarts.push(offset);
    return offset + line.length + 2;
  }, 0);
  const lineOfWord = speech.words.map((w) => {
    let line = 0;
    lineStarts.forEach((start, i) => {
      if (w.offset >= start) line = i;
    });
    return line;
  });
  const syllables = syllabify(speech.words, speech.phonemes);

  // Melody: each line starts on its bar after a one-bar intro; one note per syllable.
  const chordAt = (b: number): number => plan.progression[Math.floor(b / 4) % plan.progression.length] ?? 0;
  const notes: { syllable: number; beat: number; beats: number; midi: number }[] = [];
  let previousMidi: number | undefined;
  plan.lines.forEach((_line, lineIndex) => {
    const members = syllables.map((s, i) => ({ s, i })).filter(({ s }) => lineOfWord[s.wordIndex] === lineIndex);
    if (members.length === 0) throw new SongRenderError(id, `eSpeak gave no syllables for line ${lineIndex + 1} ${JSON.stringify(plan.lines[lineIndex])}`);
    const lineBeat = 4 * (1 + lineIndex * plan.lineBars) + (rng.next() < 0.3 ? 0.5 : 0);
    const available = 4 * plan.lineBars - 1 - (lineBeat % 1);
    let lengths: number[];
    try {
      lengths = lineRhythm(rng, members.length, available);
    } catch (error) {
      throw new SongRenderError(id, `line ${lineIndex + 1} ${JSON.stringify(plan.lines[lineIndex])}: ${(error as Error).message}`);
    }
    const onsets: number[] = [];
    lengths.reduce((b, length) => {
      onsets.push(b);
      return b + length;
    }, lineBeat);
    const midis = lineMelody(rng, key, artist, onsets, chordAt, previousMidi);
    previousMidi = midis[midis.length - 1];
    members.forEach(({ i }, k) => notes.push({ syllable: i, beat: onsets[k]!, beats: lengths[k]!, midi: midis[k]! }));
  });

  // Vocal: PSOLA each syllable of the eSpeak source onto its note, straight at the output rate.
  const analysis = analysePitchMarks(speech.samples, sourceRate);
  const length = Math.round(seconds * sampleRate);
  const vocalsRaw = new Float32Array(length);
  const phonemeTruth: PhonemeTruth[] = [];
  const noteTruth: NoteTruth[] = [];
  const wordSpans = speech.words.map(() => ({ start: Infinity, end: -Infinity }));
  notes.forEach((note, n) => {
    const syllable = syllables[note.syllable]!;
    const next = notes[n + 1];
    const nextSyllable = next === undefined ? undefined : syllables[next.syllable];
    const start = note.beat * beat;
    const length = note.beats * beat;
    // Legato inside a word; a short release gap before a new word.
    const legato = nextSyllable !== undefined && nextSyllable.wordIndex === syllable.wordIndex && next!.beat === note.beat + note.beats;
    const sung = legato ? length : Math.max(0.6 * length, length - 0.04);
    const onset = Math.min(syllable.vowelStart - syllable.start, 0.35 * sung);
    const coda = Math.min(syllable.end - syllable.vowelEnd, 0.35 * sung);
    const src = [syllable.start, syllable.vowelStart, syllable.vowelEnd, syllable.end];
    const out = [start, start + onset, start + sung - coda, start + sung];
    const hz = midiToHz(note.midi);
    renderPsola(
      speech.samples,
      sourceRate,
      analysis,
      {
        start,
        end: start + sung,
        sourceAt: (time) => piecewise(out, src, time),
        hzAt: (time) => {
          const t = time - start - artist.vibratoDelay;
          if (t <= 0) return hz;
          const depth = artist.vibratoDepth * Math.min(1, t / 0.15);
          return hz * 2 ** ((depth / 1200) * Math.sin(2 * Math.PI * artist.vibratoRate * t));
        },
      },
      artist.formantShift,
      vocalsRaw,
      sampleRate,
    );
    for (let p = syllable.first; p <= syllable.last; p++) {
      const phoneme = speech.phonemes[p]!;
      const a = piecewise(src, out, phoneme.start);
      const b = piecewise(src, out, phoneme.end);
      phoneme.arpabet.forEach((phone, k) => {
        const count = phoneme.arpabet.length;
        phonemeTruth.push({ phone, ipa: phoneme.phone, word: syllable.wordIndex, start: a + ((b - a) * k) / count, end: a + ((b - a) * (k + 1)) / count });
      });
    }
    const span = wordSpans[syllable.wordIndex]!;
    span.start = Math.min(span.start, start);
    span.end = Math.max(span.end, start + sung);
    noteTruth.push({ midi: note.midi, hz, word: syllable.wordIndex, start, end: start + sung, vowelStart: out[1]!, vowelEnd: out[2]! });
  });

  const words: WordTruth[] = speech.words.map((w, i) => {
    const span = wordSpans[i]!;
    if (!Number.isFinite(span.start)) throw new SongRenderError(id, `word ${JSON.stringify(w.text)} got no note`);
    return { text: w.text, line: lineOfWord[i]!, start: span.start, end: span.end };
  });
  const lines: LineTruth[] = plan.lines.map((lineText, i) => {
    const members = words.filter((w) => w.line === i);
    return { text: lineText, start: members[0]!.start, end: members[members.length - 1]!.end };
  });

  // Stems at the output rate, levelled, on the 16-bit grid; the mix is their exact sum.
  const accompanimentRaw = renderAccompaniment(
    {
      key,
      tempo,
      progression: plan.progression,
      bassPattern: rng.pick([[0, 2], [0, 1.5, 2], [0, 2, 3.5], [0, 0.5, 2, 2.5]]),
      syncopatedKick: rng.next() < 0.4,
      seconds,
    },
    sampleRate,
    rng,
  );
  const rms = (x: Float32Array): number => Math.sqrt(x.reduce((s, v) => s + v * v, 0) / Math.max(1, x.length));
  const vocalGain = (rms(accompanimentRaw) * 10 ** (artist.vocalGainDb / 20)) / Math.max(1e-9, rms(vocalsRaw));
  let peak = 0;
  for (let i = 0; i < length; i++) peak = Math.max(peak, Math.abs((vocalsRaw[i] ?? 0) * vocalGain + accompanimentRaw[i]!));
  const scale = 0.89 / Math.max(peak, 1e-9);
  const vocals = new Float32Array(length);
  const accompaniment = new Float32Array(length);
  const mix = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    vocals[i] = quantize16((vocalsRaw[i] ?? 0) * vocalGain * scale);
    accompaniment[i] = quantize16(accompanimentRaw[i]! * scale);
    mix[i] = vocals[i]! + accompaniment[i]!;
  }

  return {
    id,
    index: options.index,
    artist: artist.name,
    key: keyName(key),
    tempo,
    sampleRate,
    mix,
    vocals,
    accompaniment,
    lines,
    words,
    phonemes: phonemeTruth,
    notes: noteTruth,
    lrcLyrics: lines.map((l) => `${lrcStamp(l.start)}${l.text}`).join("\n"),
    rawLyrics: plan.lines.join("\n"),
  };
}
