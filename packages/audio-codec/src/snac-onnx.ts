import { existsSync } from "node:fs";
import { join } from "node:path";

import type { InferenceSession, Tensor } from "@autosing/onnx";

import type { AcousticCodec } from "./codec.js";
import { SNAC_32KHZ, truncateForEncode, validateDenseTokens } from "./codec.js";
import { assertFiniteSamples } from "./audio.js";
import { CodecLoadError, TokenShapeError } from "./errors.js";
import type { Tokens } from "./tokens.js";
import { denseToSparse, sparseToDense } from "./tokens.js";

/** ONNX names of the SNAC contract (DESIGN.md §5; the transformers.js SNAC export's naming). */
export const SNAC_ONNX_NAMES = {
  encoderInput: "input_values",
  codes: ["audio_codes.0", "audio_codes.1", "audio_codes.2", "audio_codes.3"],
  decoderOutput: "audio_values",
} as const;

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
 * SNAC 32 kHz through user-supplied ONNX files (DESIGN.md §5). Encode and decode follow
 * autosing/codecs.py: truncate to 12288-sample blocks, scatter the 4 levels into the dense
 * layout; on decode take every 2^(3−i)-th column and cut level i to a multiple of 12·2^i.
 */
export async function loadSnacOnnxCodec(sources: SnacOnnxSources | string, options: SnacOnnxOptions = {}): Promise<AcousticCodec> {
  const files = typeof sources === "string" ? findSnacOnnxFiles(sources) : sources;
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
  checkNames(encoder, encoderSource, [SNAC_ONNX_NAMES.encoderInput], SNAC_ONNX_NAMES.codes);
  checkNames(decoder, decoderSource, SNAC_ONNX_NAMES.codes, [SNAC_ONNX_NAMES.decoderOutput]);
  const c = SNAC_32KHZ;
  const name = options.name ?? "snac_32khz";
  const codec: AcousticCodec = {
    name,
    sampleRate: c.sampleRate,
    frameRate: c.sampleRate / c.hopLength,
    quantizers: c.quantizers,
    numCodes: c.numCodes,
    alignment: c.alignment,
    hopLength: c.hopLength,
    encodeMultiple: c.encodeMultiple,
    async encode(mono: Float32Array): Promise<Tokens> {
      assertFiniteSamples(mono, `${name}.encode`);
      const audio = truncateForEncode(mono, c.encodeMultiple, `${name}.encode`);
      const frames = audio.length / c.hopLength;
      const outputs = await encoder.run({ [SNAC_ONNX_NAMES.encoderInput]: float32Tensor(audio.slice(), [1, 1, audio.length]) });
      const levels = SNAC_ONNX_NAMES.codes.map((code, i) => {
        const n = frames / c.vqStrides[i]!;
        const tensor = outputs[code];
        if (tensor === undefined) throw new CodecLoadError(encoderSource, `run produced no ${code}`);
        return { data: toInt32(tensor, code, n, encoderSource), shape: [n] };
      });
      return sparseToDense(levels);
    },
    async decode(tokens: Tokens): Promise<Float32Array> {
      validateDenseTokens(tokens, codec);
      const sparse = denseToSparse(tokens);
      if (sparse[0]!.shape[1] === 0) {
        throw new TokenShapeError(`${name}.decode`, tokens.shape, "is too short: SNAC decodes whole blocks of 96 frames (12 coarse codes)");
      }
      const feeds: Record<string, Tensor> = {};
      sparse.forEach((level, i) => {
        feeds[SNAC_ONNX_NAMES.codes[i]!] = int64Tensor(level.data, level.shape);
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
