import { type AudioData, type ComplexSpectrogram, audioLength, hannWindow, istft, resample, stft } from "@autosing/audio-codec";
import { type InferenceSession, OnnxModelFileError, float32Tensor, openOnnxSession } from "@autosing/onnx";

import { SeparatorContractError, SeparatorOptionError } from "./errors.js";
import type { SeparatedStems, SourceSeparator } from "./separator.js";

/** Per-model settings of an MDX-Net ONNX file (audio-separator's model data: `mdx_n_fft_scale_set`, `mdx_dim_f_set`, `compensate`, `primary_stem`). */
export interface MdxOnnxOptions {
  /** FFT size (UVR-MDX-NET vocal models: 6144 or 7680). Default 6144. */
  readonly nFft?: number;
  /** Frequency bins the model sees (the lowest dim_f of nFft/2 + 1). Default 2048. */
  readonly dimF?: number;
  /** Frames per segment. Default 256. */
  readonly dimT?: number;
  /** STFT hop. Default 1024. */
  readonly hopLength?: number;
  /** Gain applied to the model's stem (per model, e.g. 1.035). Default 1. */
  readonly compensate?: number;
  /** Which stem the model outputs. Default "vocals". */
  readonly primaryStem?: "vocals" | "instrumental";
  /** Segments per onnxruntime call. Default 1. */
  readonly batchSize?: number;
  readonly threads?: number;
  readonly name?: string;
}

/** MDX-Net models run on 44.1 kHz stereo. */
export const MDX_SAMPLE_RATE = 44_100;

/**
 * The MDX-Net ONNX adapter (DESIGN.md §5), after audio-separator's MDXSeparator (UVR's demix):
 * the chunk is resampled to 44.1 kHz stereo (mono duplicated), padded by nFft/2 at both ends and
 * cut into segments of hop·(dim_t − 1) samples that overlap by nFft/2 on each side; each segment's
 * STFT (periodic Hann, centred) is fed as [1, 4, dim_f, dim_t] (L.re, L.im, R.re, R.im; bins above
 * dim_f dropped), the output inverted with the upper bins zeroed, and the segments' centres joined.
 * The primary stem is that output × compensate, resampled back; the other stem is mix − primary at
 * the input rate, so the two stems sum to the chunk exactly. Differs from audio-separator: no
 * "denoise" pass (averaging the model over the input and its negation) and no overlap averaging.
 */
export async function loadMdxOnnxSeparator(model: string | Uint8Array, options: MdxOnnxOptions = {}): Promise<SourceSeparator> {
  const label = typeof model === "string" ? model : "MDX-Net model bytes";
  const nFft = options.nFft ?? 6144;
  const dimF = options.dimF ?? 2048;
  const dimT = options.dimT ?? 256;
  const hop = options.hopLength ?? 1024;
  const compensate = options.compensate ?? 1;
  const batchSize = Math.max(1, options.batchSize ?? 1);
  if (!(Number.isInteger(nFft) && nFft >= 4 && nFft % 2 === 0)) throw new SeparatorOptionError("nFft", nFft, "must be an even integer >= 4");
  if (!(Number.isInteger(dimF) && dimF >= 1 && dimF <= nFft / 2 + 1)) throw new SeparatorOptionError("dimF", dimF, `must be an integer in [1, nFft/2 + 1 = ${nFft / 2 + 1}]`);
  const segment = hop * (dimT - 1);
  const trim = nFft / 2;
  const step = segment - 2 * trim;
  if (!(Number.isInteger(hop) && hop >= 1 && hop <= nFft / 2)) throw new SeparatorOptionError("hopLength", hop, `must be an integer in [1, nFft/2 = ${nFft / 2}] (the Hann windows must overlap)`);
  if (!(Number.isInteger(dimT) && step > 0)) {
    throw new SeparatorOptionError("dimT", dimT, `hop·(dimT − 1) = ${segment} must exceed nFft = ${nFft}`);
  }
  let session: InferenceSession;
  try {
    session = await openOnnxSession(model, options.threads === undefined ? {} : { threads: options.threads });
  } catch (error) {
    // A missing or unreadable path is the file system's failure, not the model's: keep its errno.
    if (OnnxModelFileError.isInstance(error)) throw error;
    throw new SeparatorContractError(label, `onnxruntime could not load it: ${(error as Error).message}`);
  }
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    throw new SeparatorContractError(label, `has inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}]; expected one of each`);
  }
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  const window = hannWindow(nFft);
  const bins = nFft / 2 + 1;
  const perSegment = 4 * dimF * dimT;

  /** Runs the model over segments [count, 4, dimF, dimT]. */
  const runModel = async (input: Float32Array, count: number): Promise<Float32Array> => {
    const result = await session.run({ [inputName]: float32Tensor(input, [count, 4, dimF, dimT]) });
    const output = result[outputName];
    const dims = output?.dims ?? [];
    if (output === undefined || output.type !== "float32" || dims.join(",") !== [count, 4, dimF, dimT].join(",")) {
      throw new SeparatorContractError(label, `output is ${output?.type ?? "missing"} [${dims.join(", ")}], expected float32 [${count}, 4, ${dimF}, ${dimT}]`);
    }
    return output.data as Float32Array;
  };

  /** The model's stem of a stereo 44.1 kHz signal. */
  const demix = async (stereo: readonly [Float32Array, Float32Array]): Promise<[Float32Array, Float32Array]> => {
    const n = stereo[0].length;
    const pad = step - (n % step);
    const padded = stereo.map((channel) => {
      const out = new Float32Array(trim + n + pad + trim);
      out.set(channel, trim);
      return out;
    });
    const out: [Float32Array, Float32Array] = [new Float32Array(n + pad), new Float32Array(n + pad)];
    const starts: number[] = [];
    for (let start = 0; start < n + pad; start += step) starts.push(start);
    for (let b = 0; b < starts.length; b += batchSize) {
      const group = starts.slice(b, b + batchSize);
      const input = new Float32Array(group.length * perSegment);
      group.forEach((start, g) => {
        for (let ch = 0; ch < 2; ch++) {
          const spec = stft(padded[ch]!.subarray(start, start + segment), { nFft, hopLength: hop, window });
          const base = g * perSegment + 2 * ch * dimF * dimT;
          for (let f = 0; f < dimF; f++) {
            input.set(spec.re.subarray(f * dimT, (f + 1) * dimT), base + f * dimT);
            input.set(spec.im.subarray(f * dimT, (f + 1) * dimT), base + dimF * dimT + f * dimT);
          }
        }
      });
      const output = await runModel(input, group.length);
      group.forEach((start, g) => {
        for (let ch = 0; ch < 2; ch++) {
          const spec: ComplexSpectrogram = { re: new Float32Array(bins * dimT), im: new Float32Array(bins * dimT), nFreq: bins, nFrames: dimT };
          const base = g * perSegment + 2 * ch * dimF * dimT;
          spec.re.set(output.subarray(base, base + dimF * dimT));
          spec.im.set(output.subarray(base + dimF * dimT, base + 2 * dimF * dimT));
          const wave = istft(spec, { nFft, hopLength: hop, window, length: segment });
          out[ch]!.set(wave.subarray(trim, segment - trim), start);
        }
      });
    }
    return [out[0].subarray(0, n), out[1].subarray(0, n)];
  };

  return {
    name: options.name ?? "mdx-onnx",
    async separate({ audio }): Promise<SeparatedStems> {
      const { sampleRate, channels } = audio;
      if (channels.length === 0 || audioLength(audio) === 0) throw new SeparatorOptionError("audio", "empty", "the chunk has no samples");
      const left = await resample(channels[0]!, sampleRate, MDX_SAMPLE_RATE);
      const right = channels.length > 1 ? await resample(channels[1]!, sampleRate, MDX_SAMPLE_RATE) : left;
      const [primaryLeft, primaryRight] = await demix([left, right]);
      const back = async (wave: Float32Array, reference: Float32Array): Promise<Float32Array> => {
        const resampled = await resample(wave, MDX_SAMPLE_RATE, sampleRate);
        // libsamplerate returns round(n · ratio) samples; pin the length to the input's.
        const fitted = new Float32Array(reference.length);
        fitted.set(resampled.subarray(0, reference.length));
        for (let i = 0; i < fitted.length; i++) fitted[i]! *= compensate;
        return fitted;
      };
      let primary: Float32Array[];
      if (channels.length === 1) {
        const mono = new Float32Array(primaryLeft.length);
        for (let i = 0; i < mono.length; i++) mono[i] = 0.5 * (primaryLeft[i]! + primaryRight[i]!);
        primary = [await back(mono, channels[0]!)];
      } else {
        primary = [await back(primaryLeft, channels[0]!), await back(primaryRight, channels[1]!)];
      }
      const other = primary.map((stem, ch) => {
        const mix = channels[ch]!;
        const rest = new Float32Array(mix.length);
        for (let i = 0; i < mix.length; i++) rest[i] = mix[i]! - stem[i]!;
        return rest;
      });
      const primaryAudio: AudioData = { sampleRate, channels: primary };
      const otherAudio: AudioData = { sampleRate, channels: other };
      return options.primaryStem === "instrumental" ? { vocals: otherAudio, instrumental: primaryAudio } : { vocals: primaryAudio, instrumental: otherAudio };
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}
