import { assertFiniteSamples } from "./audio.js";
import { SNAC_32KHZ } from "./codec.js";
import { defaultCodecFeatures, defaultCodecFilterbank } from "./default-codec-features.js";
import { type DefaultCodecConfig, type DefaultCodecModel, DEFAULT_CODEC_CONFIG } from "./default-codec-model.js";
import { EmptyAudioError, InvalidAudioParameterError } from "./errors.js";
import type { NearestCodes } from "./kmeans.js";
import { createOnnxNearestCodes, kMeansWith, nearestCodesJs } from "./kmeans.js";

const STRIDES = SNAC_32KHZ.vqStrides;
const NUM_CODES = SNAC_32KHZ.numCodes;

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
  const bank = defaultCodecFilterbank(config);
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
