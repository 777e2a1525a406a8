import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

import type { ESpeakNGWorker, EspeakModule } from "@echogarden/espeak-ng-emscripten";

import { EspeakLoadError, EspeakOptionError, EspeakSynthesisError } from "./errors.js";

/** Voice and prosody settings shared by `phonemize` and `synthesize`. */
export interface VoiceOptions {
  /** eSpeak voice name, optionally with a variant: "en-us", "en-gb-x-rp", "en-us+f3". Default "en-us". */
  voice?: string;
}

export interface ProsodyOptions extends VoiceOptions {
  /** Speaking rate in words per minute, 80..450. Default 175 (eSpeak's default). */
  rate?: number;
  /** Base pitch, 0..99 (eSpeak units). Default 50. */
  pitch?: number;
  /** Pitch range (intonation), 0..99; 0 gives a monotone voice. Default 50. */
  pitchRange?: number;
}

/** One eSpeak synthesis event; `audioPosition` is in milliseconds from the start of the audio. */
export interface EspeakEvent {
  type: "sentence" | "word" | "phoneme" | "end" | "mark" | "play" | "msg_terminated" | "list_terminated" | "samplerate" | string;
  /** 1-based character position in the input text. */
  textPosition: number;
  /** Length of the word in characters (word events only). */
  wordLength: number;
  audioPosition: number;
  /** Word number (word events) or phoneme name in IPA (phoneme events; "" for a pause). */
  id: string | number | undefined;
}

/** What one raw eSpeak synthesis call returns: 16-bit samples and the event list. */
export interface RawSynthesis {
  samples: Int16Array;
  sampleRate: number;
  events: EspeakEvent[];
}

export const DEFAULT_VOICE = "en-us";

let dataPromise: Promise<ArrayBuffer> | undefined;
let initializerPromise: Promise<(options: object) => Promise<EspeakModule>> | undefined;

// The 24 MB voice/dictionary package is read once and handed to every module instance, so a
// fresh instance costs ~150 ms (module instantiation) instead of ~300 ms.
function loadData(): Promise<ArrayBuffer> {
  dataPromise ??= (async () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@echogarden/espeak-ng-emscripten");
    const bytes = await readFile(join(dirname(entry), "espeak-ng.data"));
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  })().catch((cause: unknown) => {
    dataPromise = undefined;
    throw new EspeakLoadError(`cannot read espeak-ng.data from @echogarden/espeak-ng-emscripten: ${String(cause)}`, { cause });
  });
  return dataPromise;
}

function loadInitializer(): Promise<(options: object) => Promise<EspeakModule>> {
  initializerPromise ??= import("@echogarden/espeak-ng-emscripten")
    .then((m) => m.default)
    .catch((cause: unknown) => {
      initializerPromise = undefined;
      throw new EspeakLoadError(`cannot import @echogarden/espeak-ng-emscripten: ${String(cause)}`, { cause });
    });
  return initializerPromise;
}

/**
 * Runs `fn` with `Date.now` fixed at 0. eSpeak seeds its noise generator (breath, aspiration
 * of the voice variants) from the clock when it initialises, through Emscripten's
 * `Date.now()` import; a fixed clock makes the noise, and so the samples, reproducible.
 * `fn` must be synchronous, so no other code observes the patched clock.
 */
function withFixedClock<T>(fn: () => T): T {
  const realNow = Date.now;
  Date.now = () => 0;
  try {
    return fn();
  } finally {
    Date.now = realNow;
  }
}

function checkRange(option: string, value: number | undefined, lo: number, hi: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < lo || value > hi) {
    throw new EspeakOptionError(option, value, `expected a number in ${lo}..${hi}`);
  }
  return Math.round(value);
}

/**
 * One eSpeak-NG instance (Emscripten, wasm2js build). eSpeak keeps synthesis state between calls (its pitch flutter
 * phase and noise generator), so two identical calls on one instance give slightly different
 * samples; `synthesize` therefore uses a fresh instance per call, and seeds it from a fixed
 * clock, which makes it deterministic.
 * Phoneme sequences do not depend on that state, so `phonemize` shares one instance.
 */
export class EspeakEngine {
  private constructor(private readonly worker: ESpeakNGWorker) {}

  static async create(): Promise<EspeakEngine> {
    const [initialize, data] = await Promise.all([loadInitializer(), loadData()]);
    try {
      const module = await initialize({ getPreloadedPackage: () => data.slice(0) });
      return new EspeakEngine(withFixedClock(() => new module.eSpeakNGWorker()));
    } catch (cause) {
      throw new EspeakLoadError(`eSpeak-NG (Emscripten) failed to initialise: ${String(cause)}`, { cause });
    }
  }

  get sampleRate(): number {
    return this.worker.get_samplerate();
  }

  /** Voice identifiers known to this build ("gmw/en-US", ...). */
  listVoices(): string[] {
    return this.worker.list_voices().map((v) => v.identifier);
  }

  /** Synthesises `text` (plain text; `<`, `>` and `&` are blanked because eSpeak runs in SSML mode). */
  synthesizeRaw(text: string, options: ProsodyOptions = {}): RawSynthesis {
    const voice = options.voice ?? DEFAULT_VOICE;
    const rate = checkRange("rate", options.rate, 80, 450, 175);
    const pitch = checkRange("pitch", options.pitch, 0, 99, 50);
    const range = checkRange("pitchRange", options.pitchRange, 0, 99, 50);
    if (this.worker.set_voice(voice) !== 0) {
      throw new EspeakOptionError("voice", voice, 'unknown eSpeak voice; try "en-us", "en-gb-x-rp" or "en-us+f3"');
    }
    this.worker.set_rate(rate);
    this.worker.set_pitch(pitch);
    this.worker.set_range(range);
    // Same-length replacement keeps eSpeak's text positions equal to positions in `text`.
    const safeText = text.replace(/[<>&]/g, " ");
    const chunks: Int16Array[] = [];
    const events: EspeakEvent[] = [];
    const code = withFixedClock(() =>
      this.worker.synthesize(safeText, (samples, chunkEvents) => {
        if (samples && samples.length > 0) chunks.push(new Int16Array(samples));
        for (const event of chunkEvents) {
          events.push({
            type: event.type,
            textPosition: event.text_position,
            wordLength: event.word_length,
            audioPosition: event.audio_position,
            id: event.id,
          });
        }
      }),
    );
    if (typeof code === "number" && code !== 0) {
      throw new EspeakSynthesisError(`eSpeak synthesis of ${JSON.stringify(text.slice(0, 80))} failed with code ${code}`);
    }
    let length = 0;
    for (const chunk of chunks) length += chunk.length;
    const samples = new Int16Array(length);
    let offset = 0;
    for (const chunk of chunks) {
      samples.set(chunk, offset);
      offset += chunk.length;
    }
    return { samples, sampleRate: this.worker.get_samplerate(), events };
  }
}

let sharedEngine: Promise<EspeakEngine> | undefined;

/** The instance shared by calls whose result does not depend on synthesis state. */
export function sharedEspeakEngine(): Promise<EspeakEngine> {
  sharedEngine ??= EspeakEngine.create().catch((error: unknown) => {
    sharedEngine = undefined;
    throw error;
  });
  return sharedEngine;
}
