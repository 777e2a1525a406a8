import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { type AudioData, type ComplexSpectrogram, audioLength, hannWindow, istft, resample, stft } from "@autosing/audio-codec";
import { type InferenceSession, OnnxModelFileError, float32Tensor, openOnnxSession } from "@autosing/onnx";

import { RoformerModelError, SeparatorOptionError } from "./errors.js";
import { ROFORMER_GRAPH_FILE, ROFORMER_KINDS, ROFORMER_MODEL_FILE, type RoformerKind, type RoformerModelFile } from "./roformer-model-file.js";
import { normalizePeak, peakScale } from "./peak-normalize.js";
import { OverlapAdd, demixPlan } from "./roformer-demix.js";
import type { SeparatedStems, SourceSeparator } from "./separator.js";

export interface RoformerOptions {
  /** Seconds between chunk starts (the fork's `overlap`, default 8: chunks of ~8 s hop by 8 s). */
  readonly overlapSeconds?: number;
  /**
   * The fork's `normalization_threshold` (default 0.9, in (0, 1]; null: off): a mix whose peak
   * (over both channels) is above it is scaled down to it before demixing, and the stems come
   * from the scaled mix, as `spec_utils.normalize` does in `MixDataset` / `separate()`.
   */
  readonly normalizationThreshold?: number | null;
  /**
   * Also peak-limit each stem to the threshold, as the fork's `separate()` does before it writes
   * them (upstream `sing`); off by default, as in `separate_batched` (upstream `src_sep`). The
   * stems then no longer sum to the (scaled) mix when one is limited.
   */
  readonly normalizeStems?: boolean;
  readonly threads?: number;
  readonly name?: string;
}

async function readModelFile(dir: string): Promise<RoformerModelFile> {
  const path = join(dir, ROFORMER_MODEL_FILE);
  let value: Partial<RoformerModelFile>;
  try {
    value = JSON.parse(await readFile(path, "utf8")) as Partial<RoformerModelFile>;
  } catch (error) {
    throw new RoformerModelError(dir, `${ROFORMER_MODEL_FILE} cannot be read: ${(error as Error).message}`);
  }
  const numbers = ["sampleRate", "channels", "nFft", "hopLength", "dimT"] as const;
  for (const key of numbers) if (!(typeof value[key] === "number" && value[key] > 0)) throw new RoformerModelError(dir, `${ROFORMER_MODEL_FILE}: ${key} is not a positive number`);
  if (!ROFORMER_KINDS.includes(value.kind as RoformerKind) || !Array.isArray(value.stems) || !Array.isArray(value.freqIndices) || !Array.isArray(value.bandsPerFreq)) {
    throw new RoformerModelError(dir, `${ROFORMER_MODEL_FILE} lacks kind (${ROFORMER_KINDS.map((k) => `"${k}"`).join(" or ")}), stems, freqIndices or bandsPerFreq`);
  }
  return value as RoformerModelFile;
}

/**
 * The RoFormer adapter: a folder written by `autosing import separator` (`separator.onnx` +
 * `roformer.json`), run as the fork's `MDXCSeparator.demix` runs MelBandRoformer or BSRoformer — chunks of
 * hop·(dim_t − 1) samples every overlapSeconds·sampleRate samples, Hamming-weighted overlap-add,
 * the last chunk aligned to the end (see `demixPlan`). Per chunk: torch.stft (periodic Hann,
 * centred, reflect) of each channel, the graph's band masks averaged over overlapping bands,
 * applied to the STFT and inverted. A chunk of another rate is resampled to the model's and back,
 * a mono chunk duplicated to stereo (the fork's prepare_mix) and its stems averaged back to mono.
 * Vocals are the stem named vocals; the instrumental is mix − vocals unless the model has an
 * instrumental stem of its own. Memory: the model runs one chunk at a time; only the output sums
 * span the input.
 */
export async function loadRoformerSeparator(dir: string, options: RoformerOptions = {}): Promise<SourceSeparator> {
  const facts = await readModelFile(dir);
  const overlap = options.overlapSeconds ?? 8;
  const step = Math.trunc(overlap * facts.sampleRate);
  if (!(Number.isFinite(overlap) && step >= 1)) throw new SeparatorOptionError("overlap", overlap, `must be at least one sample (1 / ${facts.sampleRate} s)`);
  const threshold = options.normalizationThreshold === undefined ? 0.9 : options.normalizationThreshold;
  if (threshold !== null && !(Number.isFinite(threshold) && threshold > 0 && threshold <= 1)) {
    throw new SeparatorOptionError("normalizationThreshold", threshold, "must be greater than 0 and at most 1 (the fork's normalization_threshold; default 0.9)");
  }
  const graphPath = join(dir, ROFORMER_GRAPH_FILE);
  let session: InferenceSession;
  try {
    session = await openOnnxSession(graphPath, options.threads === undefined ? {} : { threads: options.threads });
  } catch (error) {
    if (OnnxModelFileError.isInstance(error)) throw error;
    throw new RoformerModelError(graphPath, `onnxruntime could not load it: ${(error as Error).message}`);
  }
  if (session.inputNames.join() !== "stft" || session.outputNames.join() !== "masks") {
    throw new RoformerModelError(graphPath, `has inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}], expected stft → masks`);
  }
  const { nFft, hopLength: hop, dimT, channels } = facts;
  const chunk = hop * (dimT - 1);
  const bins = nFft / 2 + 1;
  const rows = bins * channels;
  const stems = facts.stems.length;
  const window = hannWindow(nFft);
  const vocalsStem = facts.stems.findIndex((s) => s.toLowerCase() === "vocals");
  const instrumentalStem = facts.stems.findIndex((s) => ["instrumental", "other"].includes(s.toLowerCase()));

  /** The model's stems of one chunk: stems × channels × chunk samples. */
  const separateChunk = async (part: readonly Float32Array[]): Promise<Float32Array[][]> => {
    const specs = part.map((channel) => stft(channel, { nFft, hopLength: hop, window }));
    const frames = specs[0]!.nFrames;
    const input = new Float32Array(rows * frames * 2);
    specs.forEach((spec, s) => {
      for (let f = 0; f < bins; f++) {
        const base = (f * channels + s) * frames * 2;
        for (let t = 0; t < frames; t++) {
          input[base + 2 * t] = spec.re[f * frames + t]!;
          input[base + 2 * t + 1] = spec.im[f * frames + t]!;
        }
      }
    });
    const result = await session.run({ stft: float32Tensor(input, [1, rows, frames, 2]) });
    const masks = result["masks"];
    const width = 2 * facts.freqIndices.length;
    if (masks?.type !== "float32" || masks.dims.join() !== [1, stems, frames, width].join()) {
      throw new RoformerModelError(graphPath, `masks are ${masks?.type ?? "missing"} [${masks?.dims.join(", ") ?? ""}], expected float32 [1, ${stems}, ${frames}, ${width}]`);
    }
    const data = masks.data as Float32Array;
    return Array.from({ length: stems }, (_, n) => {
      const re = new Float64Array(rows * frames);
      const im = new Float64Array(rows * frames);
      for (let t = 0; t < frames; t++) {
        const base = (n * frames + t) * width;
        facts.freqIndices.forEach((row, j) => {
          re[row * frames + t]! += data[base + 2 * j]!;
          im[row * frames + t]! += data[base + 2 * j + 1]!;
        });
      }
      return specs.map((spec, s) => {
        const out: ComplexSpectrogram = { re: new Float32Array(bins * frames), im: new Float32Array(bins * frames), nFreq: bins, nFrames: frames };
        for (let f = 0; f < bins; f++) {
          const denominator = Math.max(facts.bandsPerFreq[f]!, 1e-8);
          for (let t = 0; t < frames; t++) {
            const m = (f * channels + s) * frames + t;
            const mr = Math.fround(re[m]! / denominator);
            const mi = Math.fround(im[m]! / denominator);
            const k = f * frames + t;
            out.re[k] = spec.re[k]! * mr - spec.im[k]! * mi;
            out.im[k] = spec.re[k]! * mi + spec.im[k]! * mr;
          }
        }
        return istft(out, { nFft, hopLength: hop, window, length: chunk });
      });
    });
  };

  /** The model's stems of a signal at the model's rate and channel count (the fork's demix). */
  const demix = async (mix: readonly Float32Array[]): Promise<Float32Array[][]> => {
    const length = mix[0]!.length;
    const plan = demixPlan(length, chunk, step);
    const padded = mix.map((channel) => {
      if (channel.length === plan.paddedLength) return channel;
      const out = new Float32Array(plan.paddedLength);
      out.set(channel);
      return out;
    });
    const sums = Array.from({ length: stems }, () => new OverlapAdd(plan.paddedLength, channels, chunk));
    for (const { start, repeats } of plan.chunks) {
      const outputs = await separateChunk(padded.map((channel) => channel.subarray(start, start + chunk)));
      outputs.forEach((output, n) => sums[n]!.add(start, repeats, output));
    }
    return sums.map((sum) => sum.finish(length));
  };

  return {
    name: options.name ?? "mel-band-roformer",
    async separate({ audio }): Promise<SeparatedStems> {
      const { sampleRate } = audio;
      if (audio.channels.length === 0 || audioLength(audio) === 0) throw new SeparatorOptionError("audio", "empty", "the chunk has no samples");
      const atModelRate = await Promise.all(audio.channels.map((channel) => (sampleRate === facts.sampleRate ? channel : resample(channel, sampleRate, facts.sampleRate))));
      const unscaled = channels === 2 ? [atModelRate[0]!, atModelRate[1] ?? atModelRate[0]!] : [monoMix(atModelRate)];
      // The fork's spec_utils.normalize on the prepared mix: scaled only when too loud.
      const scale = threshold === null ? 1 : peakScale(unscaled, threshold);
      const input = scale === 1 ? unscaled : unscaled.map((channel) => channel.map((v) => v * scale));
      const stemAudio = await demix(input);
      const back = async (stem: Float32Array[]): Promise<Float32Array[]> => {
        const perChannel = audio.channels.length === stem.length ? stem : audio.channels.length === 1 ? [monoMix(stem)] : audio.channels.map(() => stem[0]!);
        return Promise.all(
          perChannel.map(async (wave, c) => {
            const length = audio.channels[c]!.length;
            const resampled = sampleRate === facts.sampleRate ? wave : await resample(wave, facts.sampleRate, sampleRate);
            const fitted = new Float32Array(length);
            fitted.set(resampled.subarray(0, length));
            return fitted;
          }),
        );
      };
      const minus = (stem: Float32Array[]): Float32Array[] => audio.channels.map((mix, c) => mix.map((v, i) => Math.fround(v * scale) - stem[c]![i]!));
      const target = vocalsStem >= 0 ? vocalsStem : 0;
      const primary = await back(stemAudio[target]!);
      let vocals: Float32Array[];
      let instrumental: Float32Array[];
      if (vocalsStem < 0) {
        // A one-stem model whose target is not vocals (an instrumental model): vocals are what it leaves.
        instrumental = primary;
        vocals = minus(primary);
      } else {
        vocals = primary;
        instrumental = stems > 1 && instrumentalStem >= 0 ? await back(stemAudio[instrumentalStem]!) : minus(primary);
      }
      const limit = (stem: Float32Array[]): Float32Array[] => (threshold === null || options.normalizeStems !== true ? stem : normalizePeak(stem, threshold));
      const asAudio = (channelsOut: Float32Array[]): AudioData => ({ sampleRate, channels: limit(channelsOut) });
      return { vocals: asAudio(vocals), instrumental: asAudio(instrumental) };
    },
    async dispose(): Promise<void> {
      await session.release();
    },
  };
}

function monoMix(channels: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(channels[0]!.length);
  for (const channel of channels) for (let i = 0; i < out.length; i++) out[i]! += channel[i]! / channels.length;
  return out;
}
