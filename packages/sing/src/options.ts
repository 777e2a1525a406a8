import type { MdxOnnxOptions } from "@autosing/separation";

import { SingOptionError } from "./errors.js";
import type { SingProgress } from "./progress.js";

/** Output encodings: `wav` is 16-bit PCM, `wav-float` 32-bit float (bit-exact mixes). */
export const SING_OUTPUT_FORMATS = ["wav", "wav-float", "flac", "mp3", "ogg-vorbis"] as const;
export type SingOutputFormat = (typeof SING_OUTPUT_FORMATS)[number];

/** File extension per output format. */
export const SING_OUTPUT_EXTENSIONS: Readonly<Record<SingOutputFormat, string>> = { wav: "wav", "wav-float": "wav", flac: "flac", mp3: "mp3", "ogg-vorbis": "ogg" };

/**
 * Options of {@link sing}: upstream `autosing/sing.py`'s flags (camelCased, same defaults) plus
 * what a TypeScript port must name explicitly (models, codec, separator, output format, seed).
 */
export interface SingOptions {
  /** The reference song (any format `decodeAudio` reads); its file stem names the outputs. */
  reference: string;
  /** Two lines separated by a newline: the first is sung over the first 15 s, the second over the last 15 s (unused when extracting). */
  lyrics?: string;
  /** Directory written by `autosing export` for a t2s checkpoint (needed unless semantic tokens are extracted). */
  t2sModel?: string;
  /** Directory written by `autosing export` for an sm2a checkpoint. */
  sm2aModel: string;
  /** Directory written by `autosing export` for an artist-embedder checkpoint. */
  artistModel: string;
  /** Acoustic codec spec: `default:<codec.json|.safetensors>` or `snac:<onnx dir>` (audio-codec `loadCodec`). */
  codec: string;
  /** Separator spec: `mdx:<model.onnx>` or `truth:<song-corpus partition dir>` (the synthetic-corpus oracle). */
  separator?: string;
  /** MDX-Net per-model settings (audio-separator's model data). */
  mdx?: MdxOnnxOptions;
  /** Directory where separated stems are kept and reused (upstream caches them in `tmp/`); default: no cache. */
  stemCache?: string;
  /** Already separated vocals of the reference (skips separation; give `instrumental` too). */
  vocals?: string;
  /** Already separated instrumental of the reference. */
  instrumental?: string;
  /** Seconds into the reference where everything starts (upstream `--start-time`, default 0). */
  startTime?: number;
  /** Seconds of singing to generate (upstream `--length`, default 15). */
  length?: number;
  /** Variations generated at once, one output file each (upstream `--batch-size`, default 8). */
  batchSize?: number;
  /** Sampling temperature of both models (upstream `--temp`, default 0.7). */
  temperature?: number;
  /** Gain of the instrumental in the mix (upstream `--music-volume`, default 0.8; 0 under `tts`). */
  musicVolume?: number;
  /** Another singer's audio whose artist embedding is blended in (upstream `--spkfile`). */
  spkfile?: string;
  /** Blend weight of `spkfile`: (1 − α)·reference + α·spkfile (upstream `--spk-alpha`, default 1). */
  spkAlpha?: number;
  /** Generate semantic tokens from the lyrics with t2s (default); false extracts them from the vocals. */
  genSemantic?: boolean;
  /** Audio whose semantic tokens are extracted instead of generated (upstream `--semfile`). */
  semfile?: string;
  /** Semantic tokenizer spec for extraction: `default:<tokenizer.json>` or `bn-whisper:<model.onnx>`. */
  tokenizer?: string;
  /** Speech without music: the models see masked music tokens and the mix has no instrumental. */
  tts?: boolean;
  /** Where the outputs go (upstream `--output-dir`, default `sing_output`). */
  outputDir?: string;
  /** Output encoding (default `wav`; upstream writes mp3). */
  format?: SingOutputFormat;
  /** Seed of all sampling: same seed, same tokens (default 0). */
  seed?: number;
  /** onnxruntime intra-op threads per session. */
  threads?: number;
  /** Called when a stage starts and ends, and after each decoding step. */
  onProgress?: (progress: SingProgress) => void;
  /** Aborts the run between stages and decoding steps (a server's cancel); the run throws the signal's reason. */
  signal?: AbortSignal;
}

/** Options with every default filled in and every value checked. */
export interface ResolvedSingOptions extends Omit<Required<SingOptions>, "lyrics" | "t2sModel" | "separator" | "stemCache" | "mdx" | "vocals" | "instrumental" | "spkfile" | "semfile" | "tokenizer" | "threads" | "onProgress" | "signal"> {
  separator: string | undefined;
  stemCache: string | undefined;
  mdx: MdxOnnxOptions;
  vocals: string | undefined;
  instrumental: string | undefined;
  spkfile: string | undefined;
  semfile: string | undefined;
  tokenizer: string | undefined;
  threads: number | undefined;
  onProgress: ((progress: SingProgress) => void) | undefined;
  signal: AbortSignal | undefined;
  /** The two lyric lines; undefined when semantic tokens are extracted instead of generated. */
  lyricLines: readonly [string, string] | undefined;
  t2sModel: string | undefined;
  /** True when t2s generates the semantic tokens (no `semfile`, `genSemantic` not false). */
  generateSemantic: boolean;
}

/** Upstream's defaults (autosing/sing.py argparse). */
export const SING_DEFAULTS = Object.freeze({
  startTime: 0,
  length: 15,
  batchSize: 8,
  temperature: 0.7,
  musicVolume: 0.8,
  spkAlpha: 1,
  genSemantic: true,
  tts: false,
  outputDir: "sing_output",
  format: "wav" as SingOutputFormat,
  seed: 0,
});

const LYRICS_EXPECTED =
  'expected two lines of lyrics separated by a newline (upstream sings the first over the first 15 s and the second over the last 15 s), e.g. "first line\\nsecond line"';

/** Splits and checks the lyrics: exactly two non-empty lines. */
export function lyricLines(lyrics: string): [string, string] {
  const lines = lyrics.replace(/\r\n/g, "\n").replace(/\n+$/, "").split("\n");
  const [first, second] = lines;
  if (lines.length !== 2 || first === undefined || second === undefined || first.trim() === "" || second.trim() === "") {
    throw new SingOptionError("--lyrics", lyrics, `${LYRICS_EXPECTED}; got ${lines.length} line${lines.length === 1 ? "" : "s"}`);
  }
  return [first, second];
}

function finite(flag: string, value: number, check: (n: number) => boolean, expected: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || !check(value)) throw new SingOptionError(flag, value, expected);
  return value;
}

/** Fills in upstream's defaults and checks every option, naming the flag that is wrong. */
export function resolveSingOptions(options: SingOptions): ResolvedSingOptions {
  for (const [flag, value] of [["<reference>", options.reference], ["--sm2a-model", options.sm2aModel], ["--artist-model", options.artistModel], ["--codec", options.codec]] as const) {
    if (typeof value !== "string" || value === "") throw new SingOptionError(flag, value, "is required");
  }
  const haveStems = options.vocals !== undefined || options.instrumental !== undefined;
  if (haveStems && (options.vocals === undefined || options.instrumental === undefined)) {
    throw new SingOptionError(options.vocals === undefined ? "--vocals" : "--instrumental", undefined, "give both --vocals and --instrumental (the reference's separated stems), or neither and a --separator");
  }
  if (haveStems && options.stemCache !== undefined) throw new SingOptionError("--stem-cache", options.stemCache, "caches what --separator produces; with --vocals/--instrumental there is nothing to cache");
  if (haveStems && options.separator !== undefined) throw new SingOptionError("--separator", options.separator, "give either --separator or --vocals/--instrumental, not both");
  if (!haveStems && options.separator === undefined) {
    throw new SingOptionError("--separator", undefined, 'is required without --vocals/--instrumental: "mdx:<model.onnx>" or "truth:<song-corpus partition dir>"');
  }
  const format = options.format ?? SING_DEFAULTS.format;
  if (!SING_OUTPUT_FORMATS.includes(format)) throw new SingOptionError("--format", format, `expected one of ${SING_OUTPUT_FORMATS.join(", ")}`);
  const tts = options.tts ?? SING_DEFAULTS.tts;
  const genSemantic = options.genSemantic ?? SING_DEFAULTS.genSemantic;
  const extracting = !genSemantic || options.semfile !== undefined;
  if (!extracting && (typeof options.t2sModel !== "string" || options.t2sModel === "")) {
    throw new SingOptionError("--t2s-model", options.t2sModel, "is required to generate semantic tokens from the lyrics (or extract them with --semfile / --gen-semantic false and a --tokenizer)");
  }
  if (!extracting && typeof options.lyrics !== "string") throw new SingOptionError("--lyrics", options.lyrics, LYRICS_EXPECTED);
  if (extracting && options.tokenizer === undefined) {
    throw new SingOptionError("--tokenizer", undefined, 'is required to extract semantic tokens (--semfile or --gen-semantic false): "default:<tokenizer.json>" or "bn-whisper:<model.onnx>"');
  }
  return {
    reference: options.reference,
    lyricLines: extracting ? undefined : lyricLines(options.lyrics ?? ""),
    generateSemantic: !extracting,
    t2sModel: options.t2sModel,
    sm2aModel: options.sm2aModel,
    artistModel: options.artistModel,
    codec: options.codec,
    separator: options.separator,
    stemCache: options.stemCache,
    mdx: options.mdx ?? {},
    vocals: options.vocals,
    instrumental: options.instrumental,
    startTime: finite("--start-time", options.startTime ?? SING_DEFAULTS.startTime, (n) => n >= 0, "expected seconds ≥ 0"),
    length: finite("--length", options.length ?? SING_DEFAULTS.length, (n) => n > 0, "expected seconds > 0"),
    batchSize: finite("--batch-size", options.batchSize ?? SING_DEFAULTS.batchSize, (n) => Number.isInteger(n) && n >= 1, "expected a positive integer"),
    temperature: finite("--temp", options.temperature ?? SING_DEFAULTS.temperature, (n) => n > 0, "expected a temperature > 0"),
    // Upstream: `if args.tts: args.music_volume = 0`.
    musicVolume: tts ? 0 : finite("--music-volume", options.musicVolume ?? SING_DEFAULTS.musicVolume, (n) => n >= 0, "expected a gain ≥ 0 (a negative gain would invert the instrumental)"),
    spkfile: options.spkfile,
    spkAlpha: finite("--spk-alpha", options.spkAlpha ?? SING_DEFAULTS.spkAlpha, () => true, "expected a number"),
    genSemantic,
    semfile: options.semfile,
    tokenizer: options.tokenizer,
    tts,
    outputDir: options.outputDir ?? SING_DEFAULTS.outputDir,
    format,
    seed: finite("--seed", options.seed ?? SING_DEFAULTS.seed, (n) => Number.isInteger(n) && n >= 0, "expected a non-negative integer"),
    threads: options.threads === undefined ? undefined : finite("--threads", options.threads, (n) => Number.isInteger(n) && n >= 1, "expected a positive integer"),
    onProgress: options.onProgress,
    signal: options.signal,
  };
}
