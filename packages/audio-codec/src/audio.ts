import { EmptyAudioError, InvalidAudioParameterError, NonFiniteSampleError } from "./errors.js";

/** Decoded audio: planar float32 channels (nominally in [-1, 1]) at one sample rate. */
export interface AudioData {
  /** One Float32Array per channel, all the same length. */
  channels: Float32Array[];
  sampleRate: number;
}

/** Number of samples per channel (0 for audio without channels). */
export function audioLength(audio: AudioData): number {
  return audio.channels[0]?.length ?? 0;
}

/** Duration in seconds. */
export function audioDuration(audio: AudioData): number {
  return audioLength(audio) / audio.sampleRate;
}

/**
 * The first channel, as upstream's `audio[:1]` selects it (torchaudio loads [C, N]; upstream
 * keeps channel 0, it does not mix down). Returns the channel itself, not a copy.
 */
export function firstChannel(audio: AudioData, source = "audio"): Float32Array {
  const channel = audio.channels[0];
  if (channel === undefined) throw new EmptyAudioError(source, "audio has no channels");
  return channel;
}

/** Explicit mono mix-down: the mean of all channels (what ffmpeg/torchaudio `mean(0)` give). */
export function mixToMono(audio: AudioData, source = "audio"): Float32Array {
  const first = firstChannel(audio, source);
  if (audio.channels.length === 1) return first.slice();
  const out = new Float32Array(first.length);
  for (const channel of audio.channels) {
    for (let i = 0; i < out.length; i++) out[i]! += channel[i]!;
  }
  const scale = 1 / audio.channels.length;
  for (let i = 0; i < out.length; i++) out[i]! *= scale;
  return out;
}

/** Throws `NonFiniteSampleError` at the first NaN/Infinity: silent NaNs poison every later step. */
export function assertFiniteSamples(samples: Float32Array, source = "audio", channel = 0): void {
  for (let i = 0; i < samples.length; i++) {
    const v = samples[i]!;
    if (!Number.isFinite(v)) throw new NonFiniteSampleError(source, channel, i, v);
  }
}

/** Checks channel count, equal lengths, a positive sample rate and finite samples. */
export function validateAudio(audio: AudioData, source = "audio", options: { allowEmpty?: boolean } = {}): void {
  if (!(Number.isFinite(audio.sampleRate) && audio.sampleRate > 0)) {
    throw new InvalidAudioParameterError(`${source}.sampleRate`, audio.sampleRate, "must be a positive number");
  }
  const first = firstChannel(audio, source);
  if (!options.allowEmpty && first.length === 0) throw new EmptyAudioError(source);
  audio.channels.forEach((channel, c) => {
    if (channel.length !== first.length) {
      throw new InvalidAudioParameterError(
        `${source}.channels[${c}].length`,
        channel.length,
        `channel 0 has ${first.length} samples; all channels must be equally long`,
      );
    }
    assertFiniteSamples(channel, source, c);
  });
}
