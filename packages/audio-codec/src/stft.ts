import { EmptyAudioError, InvalidAudioParameterError } from "./errors.js";
import { irfft, rfft } from "./fft.js";

/** A one-sided complex spectrogram in torch's layout: `[nFreq, nFrames]` row-major (bin-major). */
export interface ComplexSpectrogram {
  re: Float32Array;
  im: Float32Array;
  nFreq: number;
  nFrames: number;
}

export interface StftOptions {
  nFft: number;
  /** Hop in samples; torch's default is floor(nFft / 4). */
  hopLength?: number;
  /** Window length (<= nFft); the window is zero-padded to nFft, centred, as torch does. */
  winLength?: number;
  /** Window of length winLength; default periodic Hann (torch.hann_window). */
  window?: Float32Array;
  /** torch `center=True` (the default): pad nFft/2 on both sides so frame t is centred on t·hop. */
  center?: boolean;
  /** Padding used when centring; torch.stft defaults to "reflect". */
  padMode?: "reflect" | "constant";
}

/** torch.hann_window: periodic by default (0.5 − 0.5·cos(2πi/n)), symmetric divides by n−1. */
export function hannWindow(length: number, periodic = true): Float32Array {
  const w = new Float32Array(length);
  const denominator = periodic ? length : length - 1;
  if (denominator <= 0) return w.fill(1);
  for (let i = 0; i < length; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / denominator);
  return w;
}

function resolve(options: StftOptions): { nFft: number; hop: number; window: Float32Array } {
  const { nFft } = options;
  if (!Number.isInteger(nFft) || nFft < 2 || nFft % 2 !== 0) throw new InvalidAudioParameterError("nFft", nFft, "must be an even integer >= 2");
  const hop = options.hopLength ?? Math.floor(nFft / 4);
  if (!Number.isInteger(hop) || hop < 1) throw new InvalidAudioParameterError("hopLength", hop, "must be a positive integer");
  const winLength = options.winLength ?? options.window?.length ?? nFft;
  if (winLength > nFft || winLength < 1) throw new InvalidAudioParameterError("winLength", winLength, `must be in [1, nFft = ${nFft}]`);
  const base = options.window ?? hannWindow(winLength);
  if (base.length !== winLength) throw new InvalidAudioParameterError("window.length", base.length, `must equal winLength = ${winLength}`);
  const window = new Float32Array(nFft);
  window.set(base, Math.floor((nFft - winLength) / 2));
  return { nFft, hop, window };
}

/** Pads `pad` samples on both sides, reflecting without repeating the edge sample (numpy/torch "reflect"). */
export function reflectPad(signal: Float32Array, pad: number): Float32Array {
  if (pad >= signal.length) {
    throw new InvalidAudioParameterError("signal.length", signal.length, `reflect padding of ${pad} needs more than ${pad} samples`);
  }
  const out = new Float32Array(signal.length + 2 * pad);
  out.set(signal, pad);
  for (let i = 1; i <= pad; i++) {
    out[pad - i] = signal[i]!;
    out[pad + signal.length - 1 + i] = signal[signal.length - 1 - i]!;
  }
  return out;
}

/**
 * Short-time Fourier transform with torch.stft's conventions (periodic Hann, `center=True`,
 * reflect padding, onesided, unnormalised). Output is `[nFft/2 + 1, 1 + floor(len/hop)]` when centred.
 */
export function stft(signal: Float32Array, options: StftOptions): ComplexSpectrogram {
  const { nFft, hop, window } = resolve(options);
  const center = options.center ?? true;
  if (signal.length === 0) throw new EmptyAudioError("stft", "signal has zero samples");
  let padded = signal;
  if (center) {
    if ((options.padMode ?? "reflect") === "reflect") {
      padded = reflectPad(signal, nFft / 2);
    } else {
      padded = new Float32Array(signal.length + nFft);
      padded.set(signal, nFft / 2);
    }
  }
  if (padded.length < nFft) throw new InvalidAudioParameterError("signal.length", signal.length, `shorter than nFft = ${nFft}`);
  const nFrames = 1 + Math.floor((padded.length - nFft) / hop);
  const nFreq = nFft / 2 + 1;
  const re = new Float32Array(nFreq * nFrames);
  const im = new Float32Array(nFreq * nFrames);
  const frame = new Float32Array(nFft);
  const fr = new Float32Array(nFreq);
  const fi = new Float32Array(nFreq);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hop;
    for (let i = 0; i < nFft; i++) frame[i] = padded[start + i]! * window[i]!;
    rfft(frame, fr, fi);
    for (let k = 0; k < nFreq; k++) {
      re[k * nFrames + t] = fr[k]!;
      im[k * nFrames + t] = fi[k]!;
    }
  }
  return { re, im, nFreq, nFrames };
}

export interface IstftOptions extends Omit<StftOptions, "padMode"> {
  /** Output length; default nFft + hop·(nFrames − 1) minus the centring pad (torch's rule). */
  length?: number;
}

/**
 * Inverse STFT with torch.istft's conventions: windowed overlap-add divided by the summed
 * squared window, trimming nFft/2 on each side when centred. Throws where the window envelope
 * vanishes (torch's NOLA check).
 */
export function istft(spec: ComplexSpectrogram, options: IstftOptions): Float32Array {
  const { nFft, hop, window } = resolve(options);
  const center = options.center ?? true;
  if (spec.nFreq !== nFft / 2 + 1) throw new InvalidAudioParameterError("spec.nFreq", spec.nFreq, `expected nFft/2 + 1 = ${nFft / 2 + 1}`);
  const { nFrames, nFreq } = spec;
  const total = nFft + hop * (nFrames - 1);
  const out = new Float64Array(total);
  const envelope = new Float64Array(total);
  const fr = new Float32Array(nFreq);
  const fi = new Float32Array(nFreq);
  const frame = new Float32Array(nFft);
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0; k < nFreq; k++) {
      fr[k] = spec.re[k * nFrames + t]!;
      fi[k] = spec.im[k * nFrames + t]!;
    }
    irfft(fr, fi, frame);
    const start = t * hop;
    for (let i = 0; i < nFft; i++) {
      out[start + i]! += frame[i]! * window[i]!;
      envelope[start + i]! += window[i]! * window[i]!;
    }
  }
  const start = center ? nFft / 2 : 0;
  // torch: without `length` trim nFft/2 at the end too; with it, read on into the last half-frame.
  const end = options.length === undefined ? (center ? total - nFft / 2 : total) : Math.min(total, start + options.length);
  const length = options.length ?? end - start;
  const result = new Float32Array(length);
  for (let i = start; i < end; i++) {
    const e = envelope[i]!;
    if (e < 1e-11) throw new InvalidAudioParameterError("window", "envelope", `sum of squared windows is ${e} at sample ${i} (NOLA fails)`);
    result[i - start] = out[i]! / e;
  }
  return result;
}

/** |X| per bin (same layout), raised to `power` (1: magnitude, 2: power spectrogram). */
export function magnitude(spec: ComplexSpectrogram, power = 1): Float32Array {
  const out = new Float32Array(spec.re.length);
  for (let i = 0; i < out.length; i++) {
    const m2 = spec.re[i]! * spec.re[i]! + spec.im[i]! * spec.im[i]!;
    out[i] = power === 2 ? m2 : power === 1 ? Math.sqrt(m2) : Math.pow(m2, power / 2);
  }
  return out;
}
