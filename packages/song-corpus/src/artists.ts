/**
 * A synthetic singer: an eSpeak voice (with variant) sung in a pitch range, with its own
 * formant shift and vibrato, so that an artist-embedding model has distinct classes to learn.
 */
export interface Artist {
  name: string;
  /** eSpeak voice with variant. */
  voice: string;
  /** eSpeak base pitch (0..99) of the monotone source before it is shifted to the notes. */
  espeakPitch: number;
  /** eSpeak speaking rate (words per minute) of the source. */
  espeakRate: number;
  /** Lowest and highest MIDI note of the melody. */
  range: readonly [number, number];
  /** Formant scale factor applied by PSOLA grain resampling (>1 brighter/smaller, <1 darker). */
  formantShift: number;
  /** Vibrato rate in Hz and depth in cents (peak), starting `vibratoDelay` seconds into a note. */
  vibratoRate: number;
  vibratoDepth: number;
  vibratoDelay: number;
  /** Vocal level relative to the accompaniment, in dB. */
  vocalGainDb: number;
}

export const ARTISTS: readonly Artist[] = [
  {
    name: "Amber Vale",
    voice: "en-us+f3",
    espeakPitch: 60,
    espeakRate: 150,
    range: [62, 74],
    formantShift: 1.06,
    vibratoRate: 5.5,
    vibratoDepth: 35,
    vibratoDelay: 0.18,
    vocalGainDb: 4,
  },
  {
    name: "Basil Stone",
    voice: "en-us+m3",
    espeakPitch: 35,
    espeakRate: 140,
    range: [47, 60],
    formantShift: 0.94,
    vibratoRate: 4.8,
    vibratoDepth: 25,
    vibratoDelay: 0.22,
    vocalGainDb: 3,
  },
  {
    name: "Clara Finch",
    voice: "en-gb-x-rp+f4",
    espeakPitch: 65,
    espeakRate: 160,
    range: [64, 77],
    formantShift: 1.12,
    vibratoRate: 6.2,
    vibratoDepth: 45,
    vibratoDelay: 0.12,
    vocalGainDb: 5,
  },
  {
    name: "Dorian Reyes",
    voice: "en-us+m1",
    espeakPitch: 45,
    espeakRate: 155,
    range: [52, 65],
    formantShift: 1.0,
    vibratoRate: 5.2,
    vibratoDepth: 15,
    vibratoDelay: 0.25,
    vocalGainDb: 3,
  },
  {
    name: "Elsie Moon",
    voice: "en-us+f2",
    espeakPitch: 55,
    espeakRate: 145,
    range: [60, 72],
    formantShift: 0.97,
    vibratoRate: 5.8,
    vibratoDepth: 55,
    vibratoDelay: 0.1,
    vocalGainDb: 4,
  },
  {
    name: "Felix Gray",
    voice: "en-gb-x-rp+m2",
    espeakPitch: 40,
    espeakRate: 150,
    range: [45, 57],
    formantShift: 0.9,
    vibratoRate: 4.5,
    vibratoDepth: 30,
    vibratoDelay: 0.2,
    vocalGainDb: 3,
  },
];
