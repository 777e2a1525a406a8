import type { AcousticCodec } from "./codec.js";
import { SNAC_32KHZ, truncateForEncode, validateDenseTokens } from "./codec.js";
import { assertFiniteSamples } from "./audio.js";
import { defaultCodecFeatures, defaultCodecFilterbank, defaultCodecMagnitudes } from "./default-codec-features.js";
import { type DefaultCodecModel, checkDefaultCodecModel } from "./default-codec-model.js";
import { TokenShapeError } from "./errors.js";
import { griffinLim } from "./griffin-lim.js";
import { nearestCode, rowNorms } from "./kmeans.js";
import { InverseMel } from "./mel-inverse.js";
import type { Tokens } from "./tokens.js";
import { denseToSparse } from "./tokens.js";

const STRIDES = SNAC_32KHZ.vqStrides;
const NUM_CODES = SNAC_32KHZ.numCodes;

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

/**
 * The embedded default codec: hierarchical residual VQ over log-mel frames, decoded through
 * the mel pseudo-inverse and Griffin-Lim. Demo-grade: it keeps pitch and timbre roughly but
 * sounds phasey; use SNAC (`loadSnacOnnxCodec`) for real output.
 */
export function createDefaultCodec(model: DefaultCodecModel, source = "default codec"): AcousticCodec {
  checkDefaultCodecModel(model, source);
  const { config } = model;
  const bank = defaultCodecFilterbank(config);
  const inverse = new InverseMel(bank);
  const norms = model.codebooks.map((book) => rowNorms(book, config.codebookSize, config.nMels));
  const name = "default";
  const codec: AcousticCodec = {
    name,
    sampleRate: config.sampleRate,
    frameRate: config.sampleRate / config.hopLength,
    quantizers: 4,
    numCodes: NUM_CODES,
    codebookSize: config.codebookSize,
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
