import { readFile } from "node:fs/promises";

import { WHISPER_N_MELS, kMeans, whisperLogMel } from "@autosing/audio-codec";

import { TokenizerFileError } from "./errors.js";
import type { SemanticTokenizer } from "./tokenizer.js";
import { SEMANTIC_NUM_CODES, SEMANTIC_SAMPLE_RATE, SEMANTIC_TOKENS_PER_SECOND, validateSemanticAudio } from "./tokenizer.js";

/** Whisper log-mel frames (100 Hz) pooled into one 25 Hz token. */
const FRAMES_PER_TOKEN = 4;
const FILE_FORMAT = "autosing-semantic-kmeans";
const FILE_VERSION = 1;

/**
 * The default tokenizer's fitted state: `codes` unit vectors of `dim` floats. Tokens are the
 * index of the code with the highest cosine similarity, as BN-Whisper's cosine-sim VQ does.
 */
export interface DefaultTokenizerModel {
  codes: number;
  dim: number;
  codebook: Float32Array;
}

/**
 * 25 Hz feature vectors for the default tokenizer: Whisper log-mel (so the front end matches
 * BN-Whisper's), mean-pooled over 4 frames, with the per-utterance mean of each mel bin removed
 * (cepstral-mean-style normalisation: loudness and channel colour cancel out, what is left is
 * the spectral shape that tracks phones), then scaled to unit length. Returns `[tokens, 80]`.
 */
export function semanticFeatures(audio16k: Float32Array): { data: Float32Array; count: number; dim: number } {
  const mel = whisperLogMel(audio16k);
  const count = Math.floor(mel.nFrames / FRAMES_PER_TOKEN);
  const dim = WHISPER_N_MELS;
  const data = new Float32Array(count * dim);
  for (let m = 0; m < dim; m++) {
    const row = mel.data.subarray(m * mel.nFrames, (m + 1) * mel.nFrames);
    let mean = 0;
    for (let t = 0; t < count * FRAMES_PER_TOKEN; t++) mean += row[t]!;
    mean /= Math.max(1, count * FRAMES_PER_TOKEN);
    for (let t = 0; t < count; t++) {
      let sum = 0;
      for (let f = 0; f < FRAMES_PER_TOKEN; f++) sum += row[t * FRAMES_PER_TOKEN + f]!;
      data[t * dim + m] = sum / FRAMES_PER_TOKEN - mean;
    }
  }
  for (let t = 0; t < count; t++) normalizeRow(data, t * dim, dim);
  return { data, count, dim };
}

function normalizeRow(data: Float32Array, offset: number, dim: number): void {
  let norm = 0;
  for (let d = 0; d < dim; d++) norm += data[offset + d]! ** 2;
  // A silent stretch pooled to the mean is the zero vector; leave it so it maps consistently.
  if (norm === 0) return;
  const scale = 1 / Math.sqrt(norm);
  for (let d = 0; d < dim; d++) data[offset + d] = data[offset + d]! * scale;
}

/** Index of the codebook row with the largest dot product (= cosine similarity for unit rows). */
function nearestByCosine(model: DefaultTokenizerModel, features: Float32Array, offset: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let c = 0; c < model.codes; c++) {
    let dot = 0;
    const base = c * model.dim;
    for (let d = 0; d < model.dim; d++) dot += model.codebook[base + d]! * features[offset + d]!;
    if (dot > bestScore) {
      bestScore = dot;
      best = c;
    }
  }
  return best;
}

export interface FitDefaultTokenizerOptions {
  /** Codebook size, at most 2048 (the models' vocabulary). Default 256: a demo corpus is small. */
  codes?: number;
  iterations?: number;
  seed?: number;
}

/**
 * Fits the default tokenizer's codebook by k-means on the unit-length 25 Hz features of the
 * given 16 kHz clips (spherical k-means: centroids are re-normalised after Lloyd's iterations).
 */
export function fitDefaultTokenizer(clips: readonly Float32Array[], options: FitDefaultTokenizerOptions = {}): DefaultTokenizerModel {
  const codes = options.codes ?? 256;
  if (!(Number.isInteger(codes) && codes >= 1 && codes <= SEMANTIC_NUM_CODES)) {
    throw new TokenizerFileError("fit", `codes must be an integer in [1, ${SEMANTIC_NUM_CODES}], got ${codes}`);
  }
  const parts = clips.map((clip, i) => {
    validateSemanticAudio(clip, `clip ${i}`);
    return semanticFeatures(clip);
  });
  const total = parts.reduce((sum, part) => sum + part.count, 0);
  if (total === 0) throw new TokenizerFileError("fit", "the clips hold no full 40 ms token frame to learn from");
  const dim = WHISPER_N_MELS;
  const points = new Float32Array(total * dim);
  let offset = 0;
  for (const part of parts) {
    points.set(part.data, offset);
    offset += part.data.length;
  }
  const codebook = kMeans(points, total, dim, { k: codes, iterations: options.iterations ?? 15, seed: options.seed ?? 0 });
  for (let c = 0; c < codes; c++) normalizeRow(codebook, c * dim, dim);
  return { codes, dim, codebook };
}

/** The embedded default tokenizer over a fitted model. Demo-grade: see the README. */
export function createDefaultTokenizer(model: DefaultTokenizerModel): SemanticTokenizer {
  return {
    name: `default-kmeans-${model.codes}`,
    sampleRate: SEMANTIC_SAMPLE_RATE,
    tokensPerSecond: SEMANTIC_TOKENS_PER_SECOND,
    numCodes: SEMANTIC_NUM_CODES,
    async encode(audio16k) {
      validateSemanticAudio(audio16k);
      const features = semanticFeatures(audio16k);
      const tokens = new Int32Array(features.count);
      for (let t = 0; t < features.count; t++) tokens[t] = nearestByCosine(model, features.data, t * features.dim);
      return tokens;
    },
    async dispose() {},
  };
}

/** JSON form of a fitted model (codebook as base64 little-endian float32). */
export function serializeDefaultTokenizer(model: DefaultTokenizerModel): string {
  const bytes = new Uint8Array(model.codebook.buffer, model.codebook.byteOffset, model.codebook.byteLength);
  return `${JSON.stringify({ format: FILE_FORMAT, version: FILE_VERSION, codes: model.codes, dim: model.dim, codebook: Buffer.from(bytes).toString("base64") })}\n`;
}

/** Parses `serializeDefaultTokenizer`'s output, checking every field. */
export function parseDefaultTokenizer(json: string, file = "tokenizer.json"): DefaultTokenizerModel {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new TokenizerFileError(file, `not JSON: ${(error as Error).message}`);
  }
  const record = value as Record<string, unknown>;
  if (record.format !== FILE_FORMAT) throw new TokenizerFileError(file, `format is ${JSON.stringify(record.format)}, expected "${FILE_FORMAT}"`);
  if (record.version !== FILE_VERSION) throw new TokenizerFileError(file, `version ${JSON.stringify(record.version)} is not supported (expected ${FILE_VERSION})`);
  const { codes, dim, codebook } = record;
  if (typeof codes !== "number" || !Number.isInteger(codes) || codes < 1 || codes > SEMANTIC_NUM_CODES) {
    throw new TokenizerFileError(file, `codes must be an integer in [1, ${SEMANTIC_NUM_CODES}], got ${JSON.stringify(codes)}`);
  }
  if (dim !== WHISPER_N_MELS) throw new TokenizerFileError(file, `dim must be ${WHISPER_N_MELS}, got ${JSON.stringify(dim)}`);
  if (typeof codebook !== "string") throw new TokenizerFileError(file, "codebook must be a base64 string");
  const bytes = Buffer.from(codebook, "base64");
  if (bytes.length !== codes * dim * 4) {
    throw new TokenizerFileError(file, `codebook holds ${bytes.length} bytes, expected ${codes * dim * 4} (${codes} × ${dim} float32)`);
  }
  const floats = new Float32Array(codes * dim);
  new Uint8Array(floats.buffer).set(bytes);
  return { codes, dim, codebook: floats };
}

/** Reads a tokenizer file written with `serializeDefaultTokenizer`. */
export async function loadDefaultTokenizer(file: string): Promise<SemanticTokenizer> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    throw new TokenizerFileError(file, `cannot read: ${(error as Error).message}`);
  }
  return createDefaultTokenizer(parseDefaultTokenizer(text, file));
}
