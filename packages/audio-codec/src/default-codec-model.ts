import { SNAC_32KHZ } from "./codec.js";
import { CodecLoadError } from "./errors.js";
import type { MelScale } from "./mel.js";

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

const NUM_CODES = SNAC_32KHZ.numCodes;

/** Throws CodecLoadError (naming `source`) unless the model has four finite codebooks of codebookSize · nMels values. */
export function checkDefaultCodecModel(model: DefaultCodecModel, source: string): void {
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
