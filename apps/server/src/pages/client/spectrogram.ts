/**
 * A spectrogram computed in the browser from the decoded audio (Web Audio's decoder, an FFT
 * here) and drawn on a canvas: log magnitude in dB over the loudest 80 dB, 0–8 kHz.
 */
import { rampColor } from "./colormap.js";

/** Decodes audio bytes with the browser's decoder (an offline context needs no sound device). */
export async function decodeMono(bytes: ArrayBuffer): Promise<{ samples: Float32Array; sampleRate: number }> {
  const context = new OfflineAudioContext(1, 1, 44100);
  const buffer = await context.decodeAudioData(bytes);
  return { samples: buffer.getChannelData(0), sampleRate: buffer.sampleRate };
}

/** In-place iterative radix-2 FFT of (re, im); the length must be a power of two. */
function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i += 1) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < size / 2; k += 1) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + size / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
}

/** Draws the spectrogram of `samples` on `canvas` (one column per frame, at most ~600 frames). */
export function drawSpectrogram(canvas: HTMLCanvasElement, samples: Float32Array, sampleRate: number, fftSize = 512, maxHz = 8000): void {
  const hop = Math.max(fftSize / 4, Math.ceil(samples.length / 600));
  const frames = Math.max(1, Math.floor((samples.length - fftSize) / hop) + 1);
  const bins = Math.min(fftSize / 2, Math.round((maxHz / sampleRate) * fftSize));
  const window = Float64Array.from({ length: fftSize }, (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize));
  const db = new Float32Array(frames * bins);
  const re = new Float64Array(fftSize);
  const im = new Float64Array(fftSize);
  let top = -Infinity;
  for (let f = 0; f < frames; f += 1) {
    for (let i = 0; i < fftSize; i += 1) {
      re[i] = (samples[f * hop + i] ?? 0) * window[i]!;
      im[i] = 0;
    }
    fft(re, im);
    for (let b = 0; b < bins; b += 1) {
      const value = 10 * Math.log10(re[b]! * re[b]! + im[b]! * im[b]! + 1e-12);
      db[f * bins + b] = value;
      if (value > top) top = value;
    }
  }
  canvas.width = frames;
  canvas.height = bins;
  const context = canvas.getContext("2d");
  if (context === null) return;
  const image = context.createImageData(frames, bins);
  for (let f = 0; f < frames; f += 1) {
    for (let b = 0; b < bins; b += 1) {
      const [r, g, bl] = rampColor((db[f * bins + b]! - (top - 80)) / 80);
      const pixel = ((bins - 1 - b) * frames + f) * 4; // low frequencies at the bottom
      image.data[pixel] = r;
      image.data[pixel + 1] = g;
      image.data[pixel + 2] = bl;
      image.data[pixel + 3] = 255;
    }
  }
  context.putImageData(image, 0, 0);
}
