import { existsSync } from "node:fs";
import { join } from "node:path";

import type { InferenceSession, Tensor } from "@autosing/onnx";

import type { AcousticCodec } from "./codec.js";
import { SNAC_32KHZ, truncateForEncode, validateDenseTokens } from "./codec.js";
import { assertFiniteSamples } from "./audio.js";
import { CodecLoadError, TokenShapeError } from "./errors.js";
import { type SnacModelFile, readSnacModelFile } from "./snac-model-file.js";
import type { Tokens } from "./tokens.js";
import { denseToSparse, sparseToDense } from "./tokens.js";

/** ONNX names of the SNAC contract (DESIGN.md §5; the transformers.js SNAC export's naming). */
export const SNAC_ONNX_NAMES = {
  encoderInput: "input_values",
  /** The 4 levels of SNAC 32 kHz; a model of k levels has audio_codes.0 … audio_codes.(k−1) (`snacCodeName`). */
  codes: ["audio_codes.0", "audio_codes.1", "audio_codes.2", "audio_codes.3"],
  decoderOutput: "audio_values",
  /**
   * Optional decoder input, f32 scalar `[]`: the factor on the noise of SNAC's decoder noise
   * blocks (upstream draws it from torch.randn at every decode). 1 is upstream's behaviour (a
   * fresh draw per run), 0 a deterministic decode. `autosing import snac` writes it.
   */
  noiseScale: "noise_scale",
} as const;

/** The code tensor name of level i. */
export function snacCodeName(level: number): string {
  return `audio_codes.${level}`;
}

/** The SNAC sizes the adapter works with. */
interface SnacSizes {
  readonly name: string;
  readonly sampleRate: number;
  readonly hopLength: number;
  readonly vqStrides: readonly number[];
  readonly numCodes: number;
  readonly encodeMultiple: number;
  /** Finest frames per decodable block when the upstream 12·2^i rule does not apply. */
  readonly decodeBlock: number;
}

const SNAC_32KHZ_SIZES: SnacSizes = {
  name: "snac_32khz",
  sampleRate: SNAC_32KHZ.sampleRate,
  hopLength: SNAC_32KHZ.hopLength,
  vqStrides: SNAC_32KHZ.vqStrides,
  numCodes: SNAC_32KHZ.numCodes,
  encodeMultiple: SNAC_32KHZ.encodeMultiple,
  decodeBlock: 96,
};

function sizesOf(file: SnacModelFile | undefined): SnacSizes {
  if (file === undefined) return SNAC_32KHZ_SIZES;
  const window = file.attentionWindow ?? 1;
  const coarsest = file.vqStrides[0]!;
  const block = (coarsest / gcd(coarsest, window)) * window;
  return {
    name: `snac_${Math.round(file.sampleRate / 1000)}khz`,
    sampleRate: file.sampleRate,
    hopLength: file.hopLength,
    vqStrides: file.vqStrides,
    numCodes: file.codebookSize,
    encodeMultiple: file.encodeMultiple,
    decodeBlock: block,
  };
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/**
 * Dense `[k, T]` → the k level tensors `[1, n_i]` the decoder takes. Four levels follow
 * autosing/codecs.py (level i cut to a multiple of 12·2^i, `denseToSparse`); other level counts,
 * which AutoSing never decodes, are cut to whole blocks of lcm(vq_strides[0], window) finest frames
 * (what SNAC's windowed attention and strides need).
 */
function denseToLevels(tokens: Tokens, sizes: SnacSizes): Tokens[] {
  const k = sizes.vqStrides.length;
  if (k === 4) return denseToSparse(tokens);
  const t = tokens.shape[1]!;
  const frames = Math.floor(t / sizes.decodeBlock) * sizes.decodeBlock;
  return sizes.vqStrides.map((s, i) => {
    const n = frames / s;
    const data = new Int32Array(n);
    for (let j = 0; j < n; j++) data[j] = tokens.data[i * t + j * s]!;
    return { data, shape: [1, n] };
  });
}

export interface SnacOnnxSources {
  /** Path or bytes of the encoder: input_values f32 [B,1,N] → audio_codes.0..3 int64 [B, N/384/s]. */
  encoder: string | Uint8Array;
  /** Path or bytes of the decoder: audio_codes.0..3 int64 → audio_values f32 [B,1,N]. */
  decoder: string | Uint8Array;
}

export interface SnacOnnxOptions {
  /** Intra-op threads for both sessions. */
  threads?: number;
  name?: string;
  /**
   * The decoder's noise_scale when its graph has that input: 1 (default) is upstream's random
   * noise, 0 a deterministic decode. Ignored by decoders without it.
   */
  noiseScale?: number;
  /** The model's sizes (`snac.json`); a directory source reads its own snac.json, and without one it is SNAC 32 kHz. */
  model?: SnacModelFile;
}

/** Finds encoder/decoder files in a directory: `encoder.onnx` or `encoder_model.onnx`, also under `onnx/`. */
export function findSnacOnnxFiles(dir: string): { encoder: string; decoder: string } {
  const pick = (stem: string): string => {
    const candidates = [`${stem}.onnx`, `${stem}_model.onnx`, `onnx/${stem}.onnx`, `onnx/${stem}_model.onnx`].map((f) => join(dir, f));
    const found = candidates.find((c) => existsSync(c));
    if (found === undefined) throw new CodecLoadError(dir, `no SNAC ${stem} model (looked for ${candidates.map((c) => c.slice(dir.length + 1)).join(", ")})`);
    return found;
  };
  return { encoder: pick("encoder"), decoder: pick("decoder") };
}

function checkNames(session: InferenceSession, source: string, inputs: readonly string[], outputs: readonly string[]): void {
  for (const name of inputs) {
    if (!session.inputNames.includes(name)) throw new CodecLoadError(source, `missing input "${name}" (model has: ${session.inputNames.join(", ")})`);
  }
  for (const name of outputs) {
    if (!session.outputNames.includes(name)) throw new CodecLoadError(source, `missing output "${name}" (model has: ${session.outputNames.join(", ")})`);
  }
}

function toInt32(tensor: Tensor, name: string, expected: number, source: string): Int32Array {
  const data = tensor.data;
  if (tensor.dims.length !== 2 || tensor.dims[0] !== 1 || tensor.dims[1] !== expected) {
    throw new CodecLoadError(source, `${name} has shape [${tensor.dims.join(", ")}], expected [1, ${expected}]`);
  }
  const out = new Int32Array(expected);
  for (let i = 0; i < expected; i++) out[i] = Number(data[i] as bigint | number);
  return out;
}

/**
 * SNAC through ONNX files (DESIGN.md §5): SNAC 32 kHz, or the model `snac.json` describes (24 kHz:
 * 3 levels; 44 kHz). Encode and decode follow autosing/codecs.py: truncate to
 * hop · lcm(vq_strides[0], window) samples (12288 for 32 kHz), scatter the k levels into the
 * dense layout; on decode take every 2^(k−1−i)-th column and cut level i to a multiple of 12·2^i
 * (4 levels) or to whole attention/stride blocks (other level counts).
 */
export async function loadSnacOnnxCodec(sources: SnacOnnxSources | string, options: SnacOnnxOptions = {}): Promise<AcousticCodec> {
  const files = typeof sources === "string" ? findSnacOnnxFiles(sources) : sources;
  const sizes = sizesOf(options.model ?? (typeof sources === "string" ? await readSnacModelFile(sources) : undefined));
  const levels = sizes.vqStrides.length;
  const codeNames = Array.from({ length: levels }, (_, i) => snacCodeName(i));
  // Loaded on demand: @autosing/onnx brings onnxruntime's native addon, which users of the
  // audio I/O and DSP functions should not pay for at import time.
  const { OnnxModelFileError, float32Tensor, int64Tensor, openOnnxSession } = await import("@autosing/onnx");
  const label = (s: string | Uint8Array, what: string): string => (typeof s === "string" ? s : `<${what} bytes>`);
  const encoderSource = label(files.encoder, "encoder");
  const decoderSource = label(files.decoder, "decoder");
  const sessionOptions = options.threads === undefined ? {} : { threads: options.threads };
  const open = async (model: string | Uint8Array, source: string): Promise<InferenceSession> => {
    try {
      return await openOnnxSession(model, sessionOptions);
    } catch (error) {
      // A missing or unreadable path is the file system's failure, not the model's: keep its errno.
      if (OnnxModelFileError.isInstance(error)) throw error;
      throw new CodecLoadError(source, `onnxruntime cannot load it: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  const encoder = await open(files.encoder, encoderSource);
  const decoder = await open(files.decoder, decoderSource);
  checkNames(encoder, encoderSource, [SNAC_ONNX_NAMES.encoderInput], codeNames);
  checkNames(decoder, decoderSource, codeNames, [SNAC_ONNX_NAMES.decoderOutput]);
  const noiseScale = decoder.inputNames.includes(SNAC_ONNX_NAMES.noiseScale) ? float32Tensor(new Float32Array([options.noiseScale ?? 1]), []) : undefined;
  const c = sizes;
  const name = options.name ?? sizes.name;
  const codec: AcousticCodec = {
    name,
    sampleRate: c.sampleRate,
    frameRate: c.sampleRate / c.hopLength,
    quantizers: levels,
    numCodes: c.numCodes,
    alignment: c.vqStrides[0]!,
    hopLength: c.hopLength,
    encodeMultiple: c.encodeMultiple,
    async encode(mono: Float32Array): Promise<Tokens> {
      assertFiniteSamples(mono, `${name}.encode`);
      const audio = truncateForEncode(mono, c.encodeMultiple, `${name}.encode`);
      const frames = audio.length / c.hopLength;
      const outputs = await encoder.run({ [SNAC_ONNX_NAMES.encoderInput]: float32Tensor(audio.slice(), [1, 1, audio.length]) });
      return sparseToDense(
        codeNames.map((code, i) => {
          const n = frames / c.vqStrides[i]!;
          const tensor = outputs[code];
          if (tensor === undefined) throw new CodecLoadError(encoderSource, `run produced no ${code}`);
          return { data: toInt32(tensor, code, n, encoderSource), shape: [n] };
        }),
      );
    },
    async decode(tokens: Tokens): Promise<Float32Array> {
      validateDenseTokens(tokens, codec);
      const sparse = denseToLevels(tokens, c);
      if (sparse[0]!.shape[1] === 0) {
        const block = levels === 4 ? 96 : c.decodeBlock;
        throw new TokenShapeError(`${name}.decode`, tokens.shape, `is too short: SNAC decodes whole blocks of ${block} frames (${block / c.vqStrides[0]!} coarse codes)`);
      }
      const feeds: Record<string, Tensor> = noiseScale === undefined ? {} : { [SNAC_ONNX_NAMES.noiseScale]: noiseScale };
      sparse.forEach((level, i) => {
        feeds[codeNames[i]!] = int64Tensor(level.data, level.shape);
      });
      const outputs = await decoder.run(feeds);
      const audio = outputs[SNAC_ONNX_NAMES.decoderOutput];
      if (audio === undefined) throw new CodecLoadError(decoderSource, `run produced no ${SNAC_ONNX_NAMES.decoderOutput}`);
      return Float32Array.from(audio.data as Float32Array);
    },
    async dispose(): Promise<void> {
      await encoder.release();
      await decoder.release();
    },
  };
  return codec;
}
