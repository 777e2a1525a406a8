import { mkdir } from "node:fs/promises";
import { join } from "node:path";

import { writeFileAtomic } from "@autosing/base";
import { type AcousticCodec, type AudioData, type Tokens, encodeAudio } from "@autosing/audio-codec";

import { SING_OUTPUT_EXTENSIONS, type SingOutputFormat } from "./options.js";

/** Upstream's mix: vocals + music_volume × instrumental[:, :len(vocals)], on every instrumental channel. */
export function mixOver(vocals: Float32Array, instrumental: AudioData, musicVolume: number): AudioData {
  const channels = instrumental.channels.map((channel) => {
    const out = new Float32Array(vocals.length);
    for (let i = 0; i < vocals.length; i++) out[i] = (vocals[i] ?? 0) + musicVolume * (channel[i] ?? 0);
    return out;
  });
  return { sampleRate: instrumental.sampleRate, channels: channels.length > 0 ? channels : [Float32Array.from(vocals)] };
}

/** Encodes audio in an output format. */
export async function encodeOutput(audio: AudioData, format: SingOutputFormat, source: string): Promise<Uint8Array> {
  return encodeAudio(audio, format, { source });
}

/** One batch row `[4, T]` of dense codes `[bs, 4, T]`. */
function row(codes: Tokens, b: number): Tokens {
  const [, q = 4, t = 0] = codes.shape;
  return { data: codes.data.slice(b * q * t, (b + 1) * q * t), shape: [q, t] };
}

/**
 * Decodes each generated row, mixes it over the instrumental and writes
 * `<outputDir>/<stem>_<i>.<ext>` atomically. Returns the files and the mixes.
 */
export async function decodeMixAndWrite(
  codes: Tokens,
  codec: AcousticCodec,
  instrumental: AudioData,
  options: { outputDir: string; stem: string; musicVolume: number; format: SingOutputFormat },
): Promise<{ files: string[]; outputs: AudioData[] }> {
  await mkdir(options.outputDir, { recursive: true });
  const files: string[] = [];
  const outputs: AudioData[] = [];
  const rows = codes.shape[0] ?? 0;
  for (let b = 0; b < rows; b++) {
    const vocals = await codec.decode(row(codes, b));
    const mix = mixOver(vocals, instrumental, options.musicVolume);
    const file = join(options.outputDir, `${options.stem}_${b}.${SING_OUTPUT_EXTENSIONS[options.format]}`);
    await writeFileAtomic(file, await encodeOutput(mix, options.format, file));
    files.push(file);
    outputs.push(mix);
  }
  return { files, outputs };
}
