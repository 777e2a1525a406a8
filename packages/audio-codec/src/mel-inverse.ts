import type { MelFilterbank } from "./mel.js";

/**
 * Port of torchaudio.transforms.InverseMelScale (the lstsq version): the minimum-norm solution
 * of F·x = m per frame, x = Fᵀ(F·Fᵀ)⁻¹m, then ReLU. F·Fᵀ is nMels × nMels and factored once
 * (Cholesky, with a tiny ridge so empty filters do not make it singular).
 */
export class InverseMel {
  private readonly cholesky: Float64Array;

  constructor(private readonly bank: MelFilterbank) {
    const { nMels, nFreq, weights } = bank;
    const gram = new Float64Array(nMels * nMels);
    let trace = 0;
    for (let a = 0; a < nMels; a++) {
      for (let b = 0; b <= a; b++) {
        let s = 0;
        for (let k = 0; k < nFreq; k++) s += weights[a * nFreq + k]! * weights[b * nFreq + k]!;
        gram[a * nMels + b] = s;
        gram[b * nMels + a] = s;
      }
      trace += gram[a * nMels + a]!;
    }
    const ridge = (1e-9 * trace) / nMels;
    for (let a = 0; a < nMels; a++) gram[a * nMels + a]! += ridge;
    // In-place lower Cholesky factor.
    const l = new Float64Array(nMels * nMels);
    for (let i = 0; i < nMels; i++) {
      for (let j = 0; j <= i; j++) {
        let s = gram[i * nMels + j]!;
        for (let k = 0; k < j; k++) s -= l[i * nMels + k]! * l[j * nMels + k]!;
        l[i * nMels + j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j * nMels + j]!;
      }
    }
    this.cholesky = l;
  }

  /** mel `[nMels, nFrames]` → linear `[nFreq, nFrames]` (same power as the input). */
  apply(mel: Float32Array, nFrames: number): Float32Array {
    const { nMels, nFreq, weights } = this.bank;
    const l = this.cholesky;
    const out = new Float32Array(nFreq * nFrames);
    const y = new Float64Array(nMels);
    for (let t = 0; t < nFrames; t++) {
      for (let i = 0; i < nMels; i++) {
        let s = mel[i * nFrames + t]!;
        for (let k = 0; k < i; k++) s -= l[i * nMels + k]! * y[k]!;
        y[i] = s / l[i * nMels + i]!;
      }
      for (let i = nMels - 1; i >= 0; i--) {
        let s = y[i]!;
        for (let k = i + 1; k < nMels; k++) s -= l[k * nMels + i]! * y[k]!;
        y[i] = s / l[i * nMels + i]!;
      }
      for (let m = 0; m < nMels; m++) {
        const [start, end] = this.bank.spans[m]!;
        const c = y[m]!;
        for (let k = start; k < end; k++) out[k * nFrames + t]! += weights[m * nFreq + k]! * c;
      }
    }
    for (let i = 0; i < out.length; i++) if (out[i]! < 0) out[i] = 0;
    return out;
  }
}
