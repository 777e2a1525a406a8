import { createHash } from "node:crypto";
import { mkdir, readFile, stat } from "node:fs/promises";
import { basename, dirname, extname, join, resolve } from "node:path";

import { type AudioData, audioDuration, decodeAudio, encodeWav } from "@autosing/audio-codec";
import { writeFileAtomic } from "@autosing/base";
import { type SourceSeparator, createTruthSeparator, loadMdxOnnxSeparator, loadRoformerSeparator } from "@autosing/separation";

import { SingInputError, SingOptionError } from "./errors.js";
import type { ResolvedSingOptions } from "./options.js";

/** The reference's two stems, both starting at `--start-time`. */
export interface ReferenceStems {
  readonly vocals: AudioData;
  readonly instrumental: AudioData;
  /** Seconds of each stem from `--start-time` on. */
  readonly seconds: number;
}

/** Upstream reads at most max(length, 32) s of the instrumental and 32 s of the vocals from the start time. */
export function referenceSpanSeconds(length: number): number {
  return Math.max(length, 32);
}

/** The file name without directory and extension: names the outputs (`<stem>_<i>.<ext>`). */
export function referenceStem(reference: string): string {
  return basename(reference, extname(reference));
}

/** Reads and decodes an audio file, naming it in every failure. */
export async function readAudioFile(file: string, flag: string): Promise<AudioData> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new SingInputError(file, `cannot be read (${flag}): ${(error as Error).message}`, { cause: error });
  }
  try {
    return await decodeAudio(bytes, { source: file });
  } catch (error) {
    throw new SingInputError(file, `is not audio that can be decoded (${flag}): ${(error as Error).message}`, { cause: error });
  }
}

/** Samples [from, from + seconds) of every channel (clipped at the end, like torch slicing). */
export function sliceSeconds(audio: AudioData, fromSeconds: number, seconds: number): AudioData {
  const from = Math.floor(fromSeconds * audio.sampleRate);
  const to = from + Math.floor(seconds * audio.sampleRate);
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((channel) => channel.slice(from, to)) };
}

/**
 * Opens the separator of a spec: `mdx:<model.onnx>` (the MDX-Net contract), `roformer:<dir>`
 * (a Mel-Band RoFormer from `autosing import separator`) or
 * `truth:<partition dir>` (the song-corpus oracle; the reference must be named `<song id>.<ext>`).
 */
export async function openSeparator(spec: string, options: ResolvedSingOptions): Promise<SourceSeparator> {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? "" : spec.slice(colon + 1);
  if (kind === "mdx" && target !== "") return loadMdxOnnxSeparator(target, options.mdx);
  // Upstream sing separates with the fork's separate(), which peak-limits each stem it writes.
  if (kind === "roformer" && target !== "") return loadRoformerSeparator(target, { normalizeStems: true });
  if (kind === "truth" && target !== "") {
    const partition = Number(basename(target));
    if (!Number.isInteger(partition) || partition < 0) throw new SingOptionError("--separator", spec, "truth:<dir> must name a song-corpus partition directory (<dataset>/<n>, holding truth.parquet)");
    return createTruthSeparator(dirname(target), partition);
  }
  throw new SingOptionError("--separator", spec, 'expected "mdx:<model.onnx>" or "truth:<song-corpus partition dir>" (or "roformer:<dir>" from autosing import separator)');
}

/**
 * The reference's vocals and instrumental from `--start-time` for max(length, 32) s: read from
 * `--vocals`/`--instrumental`, or separated. Port of the separation part of autosing/sing.py:
 * upstream separates the whole song (and caches the stems); here only that window is separated.
 */
export async function prepareReference(options: ResolvedSingOptions): Promise<ReferenceStems> {
  const span = referenceSpanSeconds(options.length);
  let vocals: AudioData;
  let instrumental: AudioData;
  if (options.vocals !== undefined && options.instrumental !== undefined) {
    vocals = sliceSeconds(await readAudioFile(options.vocals, "--vocals"), options.startTime, span);
    instrumental = sliceSeconds(await readAudioFile(options.instrumental, "--instrumental"), options.startTime, span);
  } else {
    ({ vocals, instrumental } = await separateCached(options, span));
  }
  const seconds = Math.min(audioDuration(vocals), audioDuration(instrumental));
  return { vocals, instrumental, seconds };
}

/** Separates the window, or reads it from `stemCache` (upstream caches the separator's files in `tmp/`). */
async function separateCached(options: ResolvedSingOptions, span: number): Promise<{ vocals: AudioData; instrumental: AudioData }> {
  const cache = options.stemCache;
  if (cache === undefined) return separateWindow(options, span);
  const files = await stemCacheFiles(options, span, cache);
  const cached = await Promise.all([stat(files.vocals).catch(() => undefined), stat(files.instrumental).catch(() => undefined)]);
  if (cached.every((info) => info?.isFile() === true)) {
    return { vocals: await readAudioFile(files.vocals, "--stem-cache"), instrumental: await readAudioFile(files.instrumental, "--stem-cache") };
  }
  const stems = await separateWindow(options, span);
  await mkdir(cache, { recursive: true });
  await writeFileAtomic(files.vocals, encodeWav(stems.vocals, "float32", files.vocals));
  await writeFileAtomic(files.instrumental, encodeWav(stems.instrumental, "float32", files.instrumental));
  return stems;
}

/**
 * Cache file names: `<stem>_(Vocals)_<key>.wav` / `<stem>_(Instrumental)_<key>.wav` (upstream's
 * names), the key hashing what the stems depend on: the reference (path, size, mtime), the
 * separator and its settings, and the window.
 */
export async function stemCacheFiles(options: ResolvedSingOptions, span: number, cache: string): Promise<{ vocals: string; instrumental: string }> {
  const info = await stat(options.reference).catch(() => undefined);
  const key = createHash("sha256")
    .update(JSON.stringify([resolve(options.reference), info?.size, info?.mtimeMs, options.separator, options.mdx, options.startTime, span]))
    .digest("hex")
    .slice(0, 16);
  const stem = referenceStem(options.reference);
  return { vocals: join(cache, `${stem}_(Vocals)_${key}.wav`), instrumental: join(cache, `${stem}_(Instrumental)_${key}.wav`) };
}

/** The reference's window [startTime, startTime + span) through the separator. */
async function separateWindow(options: ResolvedSingOptions, span: number): Promise<{ vocals: AudioData; instrumental: AudioData }> {
  const spec = options.separator ?? "";
  const mix = await readAudioFile(options.reference, "<reference>");
  const whole = Math.floor(options.startTime);
  const separator = await openSeparator(spec, options);
  try {
    // A chunk id the truth oracle can place: `<song>_at_<whole second>`; the fraction is cut after.
    const chunk = sliceSeconds(mix, whole, options.startTime - whole + span);
    if (chunk.channels[0]?.length === 0) throw new SingInputError(options.reference, `is ${audioDuration(mix).toFixed(2)} s long, --start-time ${options.startTime} is past its end`);
    const stems = await separator.separate({ id: `${referenceStem(options.reference)}_at_${whole}`, audio: chunk });
    return { vocals: sliceSeconds(stems.vocals, options.startTime - whole, span), instrumental: sliceSeconds(stems.instrumental, options.startTime - whole, span) };
  } catch (error) {
    if (error instanceof SingInputError) throw error;
    throw new SingInputError(options.reference, `separation with ${spec} failed: ${(error as Error).message}`, { cause: error });
  } finally {
    await separator.dispose();
  }
}
