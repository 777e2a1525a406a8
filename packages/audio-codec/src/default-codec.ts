import { readSafetensors, writeSafetensors } from "@autosing/safetensors";

import type { AcousticCodec } from "./codec.js";
import { SNAC_32KHZ, truncateForEncode, validateDenseTokens } from "./codec.js";
import { assertFiniteSamples } from "./audio.js";
import { CodecLoadError, EmptyAudioError, InvalidAudioParameterError, TokenShapeError } from "./errors.js";
import { griffinLim } from "./griffin-lim.js";
import type { NearestCodes } from "./kmeans.js";
import { createOnnxNearestCodes, kMeansWith, nearestCode, nearestCodesJs, rowNorms } from "./kmeans.js";
import type { MelFilterbank, MelScale } from "./mel.js";
import { applyMelFilterbank, melFilterbank } from "./mel.js";
import { InverseMel } from "./mel-inverse.js";
import { magnitude, stft } from "./stft.js";
import type { Tokens } from "./tokens.js";
import { denseToSparse } from "./tokens.js";

/**
 * Settings of the embedded default codec. Rates are SNAC 32 kHz's (hop 384, levels every
 * 8/4/2/1 frames, 4096 codes), so its tokens are interchangeable in shape with SNAC's.
 */
export interface DefaultCodecConfig {
  sampleRate: number;
  hopLength: number;
  nFft: number;
  nMels: number;
  fMin: number;
  fMax: number;
  melScale: MelScale;
  /** Floor added before the log: features are ln(mel magnitude + logFloor). */
  logFloor: number;
  /** Centroids actually fitted per level (<= numCodes); codes c >= codebookSize decode as c mod codebookSize. */
  codebookSize: number;
  /** Griffin-Lim iterations when decoding. */
  griffinLimIterations: number;
}

export const DEFAULT_CODEC_CONFIG: DefaultCodecConfig = {
  sampleRate: SNAC_32KHZ.sampleRate,
  hopLength: SNAC_32KHZ.hopLength,
  nFft: 1536,
  nMels: 128,
  fMin: 0,
  fMax: 16000,
  melScale: "slaney",
  logFloor: 1e-5,
  codebookSize: 1024,
  griffinLimIterations: 32,
};

/** A fitted default codec: its config and one `[codebookSize, nMels]` codebook per level. */
export interface DefaultCodecModel {
  config: DefaultCodecConfig;
  codebooks: Float32Array[];
}

const STRIDES = SNAC_32KHZ.vqStrides;
const NUM_CODES = SNAC_32KHZ.numCodes;

function bankOf(config: DefaultCodecConfig): MelFilterbank {
  return melFilterbank({
    sampleRate: config.sampleRate,
    nFft: config.nFft,
    nMels: config.nMels,
    fMin: config.fMin,
    fMax: config.fMax,
    scale: config.melScale,
    norm: null,
  });
}

/**
 * Log-mel frames `[T, nMels]` (frame-major) for T = floor(n / hop) frames: the centred STFT's
 * first T frames, so frame t covers samples around t·hop like SNAC's frame t.
 */
export function defaultCodecFeatures(mono: Float32Array, config: DefaultCodecConfig = DEFAULT_CODEC_CONFIG, bank = bankOf(config)): { features: Float32Array; frames: number } {
  const frames = Math.floor(mono.length / config.hopLength);
  if (frames === 0) throw new EmptyAudioError("default codec", `${mono.length} samples is shorter than one hop (${config.hopLength})`);
  const spec = stft(mono, { nFft: config.nFft, hopLength: config.hopLength });
  const mel = applyMelFilterbank(bank, magnitude(spec), spec.nFrames);
  const features = new Float32Array(frames * config.nMels);
  for (let m = 0; m < config.nMels; m++) {
    for (let t = 0; t < frames; t++) features[t * config.nMels + m] = Math.log(mel[m * spec.nFrames + t]! + config.logFloor);
  }
  return { features, frames };
}

function checkModel(model: DefaultCodecModel, source: string): void {
  const { config, codebooks } = model;
  if (codebooks.length !== 4) throw new CodecLoadError(source, `has ${codebooks.length} codebooks, expected 4`);
  if (!(config.codebookSize >= 1 && config.codebookSize <= NUM_CODES)) {
    throw new CodecLoadError(source, `codebookSize ${config.codebookSize} is outside [1, ${NUM_CODES}]`);
  }
  codebooks.forEach((book, i) => {
    if (book.length !== config.codebookSize * config.nMels) {
      throw new CodecLoadError(source, `codebook ${i} has ${book.length} values, expected codebookSize · nMels = ${config.codebookSize} · ${config.nMels}`);
    }
    for (let j = 0; j < book.length; j++) {
      if (!Number.isFinite(book[j]!)) throw new CodecLoadError(source, `codebook ${i} value ${j} is ${book[j]}`);
    }
  });
}

/** Residual VQ of frame-major features, in place on `residual`: returns the codes of each level. */
function quantize(model: DefaultCodecModel, residual: Float32Array, frames: number, norms: Float32Array[]): Int32Array[] {
  const { nMels: dim, codebookSize: k } = model.config;
  const mean = new Float32Array(dim);
  return STRIDES.map((stride, level) => {
    const groups = Math.floor(frames / stride);
    const codes = new Int32Array(groups);
    const book = model.codebooks[level]!;
    for (let g = 0; g < groups; g++) {
      mean.fill(0);
      for (let f = g * stride; f < (g + 1) * stride; f++) for (let d = 0; d < dim; d++) mean[d]! += residual[f * dim + d]! / stride;
      const code = nearestCode(book, norms[level]!, k, dim, mean);
      codes[g] = code;
      for (let f = g * stride; f < (g + 1) * stride; f++) for (let d = 0; d < dim; d++) residual[f * dim + d]! -= book[code * dim + d]!;
    }
    return codes;
  });
}

export interface FitDefaultCodecOptions {
  config?: Partial<DefaultCodecConfig>;
  /** Lloyd iterations per level (default 10). */
  iterations?: number;
  seed?: number;
  /** Cap on training vectors per level (evenly spaced subset) to bound fit time; default 20000. */
  maxTrainingVectors?: number;
  /** Nearest-code search: "onnx" (onnxruntime GEMM, the default) or "js" (no native code). */
  search?: "onnx" | "js";
  /** onnxruntime intra-op threads for the "onnx" search. */
  threads?: number;
}

/**
 * Fits the four codebooks on mono clips at `config.sampleRate`: k-means on the 8-frame means of
 * the log-mel features, then on the 4-frame means of what is left, and so on down to single
 * frames (hierarchical residual VQ).
 */
export async function fitDefaultCodec(clips: readonly Float32Array[], options: FitDefaultCodecOptions = {}): Promise<DefaultCodecModel> {
  const config = { ...DEFAULT_CODEC_CONFIG, ...options.config };
  if (!(config.codebookSize >= 1 && config.codebookSize <= NUM_CODES && Number.isInteger(config.codebookSize))) {
    throw new InvalidAudioParameterError("codebookSize", config.codebookSize, `must be an integer in [1, ${NUM_CODES}]`);
  }
  const bank = bankOf(config);
  const dim = config.nMels;
  const residuals: { data: Float32Array; frames: number }[] = [];
  clips.forEach((clip, i) => {
    assertFiniteSamples(clip, `clip ${i}`);
    const frames = Math.floor(clip.length / config.hopLength / 8) * 8;
    if (frames === 0) return;
    const { features } = defaultCodecFeatures(clip.subarray(0, frames * config.hopLength), config, bank);
    residuals.push({ data: features, frames });
  });
  if (residuals.length === 0) throw new EmptyAudioError("codec fit", `no clip is longer than 8 frames (${8 * config.hopLength} samples)`);
  const maxVectors = options.maxTrainingVectors ?? 20000;
  const model: DefaultCodecModel = { config, codebooks: [] };
  const onnx = (options.search ?? "onnx") === "onnx" ? await createOnnxNearestCodes(options.threads) : undefined;
  const search: NearestCodes = onnx?.search ?? nearestCodesJs;
  try {
    for (const [level, stride] of STRIDES.entries()) {
      // Group means of the current residual, for every clip.
      const means = residuals.map((r) => {
        const groups = r.frames / stride;
        const out = new Float32Array(groups * dim);
        for (let g = 0; g < groups; g++) {
          for (let f = g * stride; f < (g + 1) * stride; f++) for (let d = 0; d < dim; d++) out[g * dim + d]! += r.data[f * dim + d]! / stride;
        }
        return out;
      });
      const total = means.reduce((n, m) => n + m.length / dim, 0);
      const take = Math.min(total, maxVectors);
      // Evenly spaced subset: deterministic and spread over all clips.
      const points = new Float32Array(take * dim);
      let index = 0;
      let written = 0;
      for (const m of means) {
        for (let g = 0; g < m.length / dim; g++, index++) {
          if (written >= take || Math.floor((index * take) / total) !== written) continue;
          points.set(m.subarray(g * dim, (g + 1) * dim), written * dim);
          written++;
        }
      }
      const book = await kMeansWith(search, points, written, dim, { k: config.codebookSize, iterations: options.iterations ?? 10, seed: (options.seed ?? 0) + level });
      model.codebooks.push(book);
      for (const [i, r] of residuals.entries()) {
        const m = means[i]!;
        const codes = await search(m, m.length / dim, book, config.codebookSize, dim);
        for (let g = 0; g < codes.length; g++) {
          const code = codes[g]!;
          for (let f = g * stride; f < (g + 1) * stride; f++) for (let d = 0; d < dim; d++) r.data[f * dim + d]! -= book[code * dim + d]!;
        }
      }
    }
  } finally {
    await onnx?.release();
  }
  return model;
}

/** Sum of the selected codebook rows per frame: the decoded log-mel features `[T, nMels]`. */
function dequantize(model: DefaultCodecModel, levels: Tokens[], frames: number): Float32Array {
  const { nMels: dim, codebookSize: k } = model.config;
  const features = new Float32Array(frames * dim);
  levels.forEach((level, i) => {
    const stride = STRIDES[i]!;
    const book = model.codebooks[i]!;
    for (let t = 0; t < frames; t++) {
      const code = level.data[Math.floor(t / stride)]! % k;
      for (let d = 0; d < dim; d++) features[t * dim + d]! += book[code * dim + d]!;
    }
  });
  return features;
}

/** Log-mel features `[T, nMels]` → linear magnitudes `[nFreq, T + 1]` (last frame repeated for the centred STFT). */
export function defaultCodecMagnitudes(features: Float32Array, frames: number, config: DefaultCodecConfig, inverse: InverseMel): Float32Array {
  const { nMels } = config;
  const columns = frames + 1;
  const mel = new Float32Array(nMels * columns);
  for (let t = 0; t < columns; t++) {
    const src = Math.min(t, frames - 1);
    for (let m = 0; m < nMels; m++) mel[m * columns + t] = Math.max(0, Math.exp(features[src * nMels + m]!) - config.logFloor);
  }
  return inverse.apply(mel, columns);
}

/**
 * The embedded default codec: hierarchical residual VQ over log-mel frames, decoded through
 * the mel pseudo-inverse and Griffin-Lim. Demo-grade: it keeps pitch and timbre roughly but
 * sounds phasey; use SNAC (`loadSnacOnnxCodec`) for real output.
 */
export function createDefaultCodec(model: DefaultCodecModel, source = "default codec"): AcousticCodec {
  checkModel(model, source);
  const { config } = model;
  const bank = bankOf(config);
  const inverse = new InverseMel(bank);
  const norms = model.codebooks.map((book) => rowNorms(book, config.codebookSize, config.nMels));
  const name = "default";
  const codec: AcousticCodec = {
    name,
    sampleRate: config.sampleRate,
    frameRate: config.sampleRate / config.hopLength,
    quantizers: 4,
    numCodes: NUM_CODES,
    alignment: SNAC_32KHZ.alignment,
    hopLength: config.hopLength,
    encodeMultiple: SNAC_32KHZ.encodeMultiple,
    async encode(mono: Float32Array): Promise<Tokens> {
      assertFiniteSamples(mono, `${name}.encode`);
      const audio = truncateForEncode(mono, SNAC_32KHZ.encodeMultiple, `${name}.encode`);
      const { features, frames } = defaultCodecFeatures(audio, config, bank);
      const codes = quantize(model, features, frames, norms);
      const dense = new Int32Array(4 * frames);
      codes.forEach((level, i) => {
        const stride = STRIDES[i]!;
        for (let g = 0; g < level.length; g++) dense[i * frames + g * stride] = level[g]!;
      });
      return { data: dense, shape: [4, frames] };
    },
    async decode(tokens: Tokens): Promise<Float32Array> {
      validateDenseTokens(tokens, codec);
      const levels = denseToSparse(tokens).map((l) => ({ data: l.data, shape: [l.shape[1]!] }));
      const frames = levels[3]!.shape[0]!;
      if (frames === 0) {
        throw new TokenShapeError(`${name}.decode`, tokens.shape, "is too short: decoding works on whole blocks of 96 frames (12 coarse codes), as SNAC's does");
      }
      const features = dequantize(model, levels, frames);
      const magnitudes = defaultCodecMagnitudes(features, frames, config, inverse);
      return griffinLim(magnitudes, frames + 1, {
        nFft: config.nFft,
        hopLength: config.hopLength,
        iterations: config.griffinLimIterations,
        length: frames * config.hopLength,
        seed: 0,
      });
    },
    async dispose(): Promise<void> {
      // Nothing native to release: codebooks are plain typed arrays.
    },
  };
  return codec;
}

/** Reconstruction quality of `decoded` against `reference` (both mono at the codec rate). */
export interface ReconstructionMetrics {
  /** Mean |20·log10 mel magnitude difference| over mel bins and frames, in dB. */
  logMelDistanceDb: number;
  /** 10·log10(Σ|S|² / Σ(|S| − |Ŝ|)²) over STFT magnitudes (phase ignored), in dB. */
  magnitudeSnrDb: number;
  frames: number;
}

/** Compares two signals with the codec's STFT/mel settings over their common length. */
export function reconstructionMetrics(reference: Float32Array, decoded: Float32Array, config: DefaultCodecConfig = DEFAULT_CODEC_CONFIG): ReconstructionMetrics {
  const n = Math.min(reference.length, decoded.length);
  const bank = bankOf(config);
  const a = stft(reference.subarray(0, n), { nFft: config.nFft, hopLength: config.hopLength });
  const b = stft(decoded.subarray(0, n), { nFft: config.nFft, hopLength: config.hopLength });
  const ma = magnitude(a);
  const mb = magnitude(b);
  let signal = 0;
  let noise = 0;
  for (let i = 0; i < ma.length; i++) {
    signal += ma[i]! ** 2;
    noise += (ma[i]! - mb[i]!) ** 2;
  }
  const melA = applyMelFilterbank(bank, ma, a.nFrames);
  const melB = applyMelFilterbank(bank, mb, b.nFrames);
  let distance = 0;
  for (let i = 0; i < melA.length; i++) distance += Math.abs(20 * Math.log10((melA[i]! + config.logFloor) / (melB[i]! + config.logFloor)));
  return { logMelDistanceDb: distance / melA.length, magnitudeSnrDb: 10 * Math.log10(signal / Math.max(noise, 1e-30)), frames: a.nFrames };
}

const FILE_FORMAT = "autosing.default-codec";
const FILE_VERSION = 1;

function toBase64(data: Float32Array): string {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
}

function fromBase64(text: string): Float32Array {
  const bytes = Buffer.from(text, "base64");
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer, 0, Math.floor(copy.length / 4));
}

/** Serialises a fitted codec as JSON (codebooks as base64 little-endian float32) or safetensors. */
export async function serializeDefaultCodec(model: DefaultCodecModel, format: "json" | "safetensors"): Promise<Uint8Array> {
  checkModel(model, "default codec");
  if (format === "json") {
    const body = {
      format: FILE_FORMAT,
      version: FILE_VERSION,
      config: model.config,
      codebooks: model.codebooks.map((book) => ({ shape: [model.config.codebookSize, model.config.nMels], float32Base64: toBase64(book) })),
    };
    return new TextEncoder().encode(JSON.stringify(body));
  }
  const tensors = new Map(model.codebooks.map((book, i) => [`codebooks.${i}`, { shape: [model.config.codebookSize, model.config.nMels], data: book }]));
  return writeSafetensors(tensors, { format: FILE_FORMAT, version: String(FILE_VERSION), config: JSON.stringify(model.config) });
}

function parseConfig(value: unknown, source: string): DefaultCodecConfig {
  if (typeof value !== "object" || value === null) throw new CodecLoadError(source, "config is missing");
  const config = { ...DEFAULT_CODEC_CONFIG, ...(value as Partial<DefaultCodecConfig>) };
  for (const key of ["sampleRate", "hopLength", "nFft", "nMels", "codebookSize", "griffinLimIterations"] as const) {
    if (!(Number.isInteger(config[key]) && config[key] > 0)) throw new CodecLoadError(source, `config.${key} = ${String(config[key])} is not a positive integer`);
  }
  if (config.sampleRate !== SNAC_32KHZ.sampleRate || config.hopLength !== SNAC_32KHZ.hopLength) {
    throw new CodecLoadError(source, `config has ${config.sampleRate} Hz / hop ${config.hopLength}; the token layout needs SNAC's 32000 Hz / hop 384`);
  }
  return config;
}

/** Reads a codec written by `serializeDefaultCodec` (JSON or safetensors, detected from the bytes). */
export async function parseDefaultCodec(bytes: Uint8Array, source = "codec file"): Promise<DefaultCodecModel> {
  if (bytes.length === 0) throw new CodecLoadError(source, "file is empty");
  let model: DefaultCodecModel;
  if (bytes[0] === 0x7b /* "{" */) {
    let body: { format?: unknown; version?: unknown; config?: unknown; codebooks?: unknown };
    try {
      body = JSON.parse(new TextDecoder().decode(bytes)) as typeof body;
    } catch (error) {
      throw new CodecLoadError(source, `not valid JSON (${(error as Error).message})`, { cause: error });
    }
    if (body.format !== FILE_FORMAT) throw new CodecLoadError(source, `format is ${JSON.stringify(body.format)}, expected "${FILE_FORMAT}"`);
    if (body.version !== FILE_VERSION) throw new CodecLoadError(source, `version ${String(body.version)} is not supported (expected ${FILE_VERSION})`);
    const config = parseConfig(body.config, source);
    if (!Array.isArray(body.codebooks)) throw new CodecLoadError(source, "codebooks is not an array");
    const codebooks = (body.codebooks as { float32Base64?: unknown }[]).map((entry, i) => {
      if (typeof entry.float32Base64 !== "string") throw new CodecLoadError(source, `codebooks[${i}].float32Base64 is missing`);
      return fromBase64(entry.float32Base64);
    });
    model = { config, codebooks };
  } else {
    let contents;
    try {
      contents = readSafetensors(bytes, source);
    } catch (error) {
      throw new CodecLoadError(source, `neither JSON nor a readable safetensors file: ${(error as Error).message}`, { cause: error });
    }
    if (contents.metadata.format !== FILE_FORMAT) throw new CodecLoadError(source, `safetensors metadata format is ${JSON.stringify(contents.metadata.format)}, expected "${FILE_FORMAT}"`);
    let rawConfig: unknown;
    try {
      rawConfig = JSON.parse(contents.metadata.config ?? "null");
    } catch (error) {
      throw new CodecLoadError(source, "metadata.config is not JSON", { cause: error });
    }
    const config = parseConfig(rawConfig, source);
    const codebooks = [0, 1, 2, 3].map((i) => {
      const tensor = contents.tensors.get(`codebooks.${i}`);
      if (tensor === undefined) throw new CodecLoadError(source, `tensor codebooks.${i} is missing`);
      return tensor.data;
    });
    model = { config, codebooks };
  }
  checkModel(model, source);
  return model;
}
