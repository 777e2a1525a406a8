/**
 * The PCM behind the FLAC fixtures written by a reference encoder (FFmpeg's native FLAC encoder,
 * not libFLAC). Each clip is 16-bit at 16 kHz: a seeded tone + noise that ends in digital
 * silence, so the final frame is a few-byte constant-subframe frame.
 *
 * How the .flac files were made (FFmpeg 4.1 static build from the npm package
 * @ffmpeg-installer/linux-x64@4.1.0, used once, not a dependency):
 *   node --import tsx src/__fixtures__/write-reference-wavs.ts /tmp/ref
 *   ffmpeg -i /tmp/ref/ffmpeg-mono.wav    -c:a flac -compression_level 5 src/__fixtures__/ffmpeg-mono.flac
 *   ffmpeg -i /tmp/ref/ffmpeg-stereo.wav  -c:a flac -compression_level 5 src/__fixtures__/ffmpeg-stereo.flac
 */
import { mulberry32 } from "@autosing/base";

export interface ReferenceClip {
  name: string;
  sampleRate: number;
  /** Integer samples per channel, int16 range. */
  channels: Int16Array[];
}

function clip(length: number, silentTail: number, seed: number, hz: number): Int16Array {
  const random = mulberry32(seed);
  const out = new Int16Array(length);
  for (let i = 0; i < length - silentTail; i++) {
    out[i] = Math.round(6000 * Math.sin((2 * Math.PI * hz * i) / 16000)) + Math.floor(random() * 64) - 32;
  }
  return out;
}

export const REFERENCE_CLIPS: readonly ReferenceClip[] = [
  { name: "ffmpeg-mono", sampleRate: 16000, channels: [clip(10000, 1500, 1, 440)] },
  { name: "ffmpeg-stereo", sampleRate: 16000, channels: [clip(9400, 1200, 2, 330), clip(9400, 1200, 3, 550)] },
];
