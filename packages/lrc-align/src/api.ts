import { type AudioData, decodeAudio, firstChannel, resample } from "@autosing/audio-codec";

import { activityPerSecond, computeSilence } from "./activity.js";
import type { Alignment } from "./alignment.js";
import { type AlignmentResult, type LyricsInput, alignEmission, readLyrics } from "./compute-alignment.js";
import { alignWithDtw } from "./dtw-aligner.js";
import { energyActivity } from "./energy-activity.js";
import { LrcAlignError } from "./errors.js";
import { FRAME_CLASSIFIER_SAMPLE_RATE, type OnnxFrameClassifier } from "./frame-classifier.js";
import { G2p } from "./g2p.js";

export interface ComputeAlignmentOptions {
  /** The phoneme frame classifier (charsiu contract). Without it the DTW default runs. */
  readonly classifier?: OnnxFrameClassifier;
  /** Reused G2p (creating one loads the 4.7 MB CMU dictionary). */
  readonly g2p?: G2p;
  /** eSpeak voice and rate of the DTW reference synthesis. */
  readonly voice?: string;
  readonly rate?: number;
}

export interface SongAlignment extends AlignmentResult {
  /** "ctc": frame classifier + forced alignment (upstream); "dtw": the no-model default. */
  readonly method: "ctc" | "dtw";
}

let sharedG2p: Promise<G2p> | undefined;
function defaultG2p(): Promise<G2p> {
  sharedG2p ??= G2p.create();
  return sharedG2p;
}

async function audioFrom(audio: AudioData | Uint8Array): Promise<AudioData> {
  return audio instanceof Uint8Array ? decodeAudio(audio) : audio;
}

/**
 * Port of autosing/alignment.py: compute_alignment — aligns lyrics (LRC or raw) to a song given as
 * encoded bytes or decoded audio. Uses the first channel as upstream does (`waveform[:1]`). With a
 * classifier: 16 kHz emission in 30 s chunks, then CTC forced alignment; without: DTW against
 * eSpeak-NG's synthesis. `alignment` is what upstream's align step stores (LRC-guided for LRC,
 * global for raw lyrics).
 */
export async function computeAlignment(audio: AudioData | Uint8Array, lyrics: LyricsInput, options: ComputeAlignmentOptions = {}): Promise<SongAlignment> {
  const decoded = await audioFrom(audio);
  const samples = firstChannel(decoded);
  const g2p = options.g2p ?? (await defaultG2p());
  if (options.classifier === undefined) {
    const result = await alignWithDtw({
      samples,
      sampleRate: decoded.sampleRate,
      lyrics,
      g2p,
      ...(options.voice === undefined ? {} : { voice: options.voice }),
      ...(options.rate === undefined ? {} : { rate: options.rate }),
    });
    return { ...result, method: "dtw" };
  }
  await g2p.prepare(readLyrics(lyrics).texts);
  const audio16k =
    decoded.sampleRate === FRAME_CLASSIFIER_SAMPLE_RATE ? samples : await resample(samples, decoded.sampleRate, FRAME_CLASSIFIER_SAMPLE_RATE);
  const { emission, frameDuration } = await options.classifier.computeEmission(audio16k);
  return { ...alignEmission({ emission, frameDuration, lyrics, g2p }), method: "ctc" };
}

/**
 * Port of autosing/alignment.py: compute_va — one boolean per whole second, true where there is
 * singing: from the classifier's silence class (compute_silence) when given, else from energy.
 */
export async function computeActivity(audio: AudioData | Uint8Array, options: { classifier?: OnnxFrameClassifier } = {}): Promise<boolean[]> {
  const decoded = await audioFrom(audio);
  const samples = firstChannel(decoded);
  if (options.classifier === undefined) return energyActivity(samples, decoded.sampleRate);
  const audio16k =
    decoded.sampleRate === FRAME_CLASSIFIER_SAMPLE_RATE ? samples : await resample(samples, decoded.sampleRate, FRAME_CLASSIFIER_SAMPLE_RATE);
  const { emission, frameRate } = await options.classifier.computeEmission(audio16k);
  return activityPerSecond(computeSilence(emission), frameRate);
}

/** A dataset row for the align step (upstream index.parquet columns). */
export interface AlignRowInput {
  readonly audio: Uint8Array;
  readonly lrc_lyrics?: string | null;
  readonly raw_lyrics?: string | null;
}

/**
 * Port of autosing/processing.py: align (one row) — LRC lyrics give the LRC-guided alignment,
 * raw lyrics the global one, no lyrics null. An alignment failure of this package (upstream's
 * AlignException, and the other typed errors: bad LRC, no words, silent audio) gives a null
 * alignment and the reason, so the step can log it and continue; other errors propagate.
 */
export async function alignRow(row: AlignRowInput, options: ComputeAlignmentOptions = {}): Promise<{ alignment: Alignment | null; reason: string | null }> {
  const lyrics: LyricsInput | null =
    typeof row.lrc_lyrics === "string" ? { lrc: row.lrc_lyrics } : typeof row.raw_lyrics === "string" ? { raw: row.raw_lyrics } : null;
  if (lyrics === null) return { alignment: null, reason: "row has neither lrc_lyrics nor raw_lyrics" };
  try {
    return { alignment: (await computeAlignment(row.audio, lyrics, options)).alignment, reason: null };
  } catch (error) {
    if (LrcAlignError.isInstance(error)) return { alignment: null, reason: `${error.name}: ${error.message}` };
    throw error;
  }
}
