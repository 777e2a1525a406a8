import type { Emission } from "../forced-align.js";

export interface PlacedToken {
  readonly token: number;
  readonly start: number;
  readonly end: number;
}

/**
 * A peaky emission: inside each placed token's frames that token has probability `peak`, elsewhere
 * the blank (0) has it; the rest of the mass is spread evenly. Log-probabilities.
 */
export function peakyEmission(frames: number, classes: number, placed: readonly PlacedToken[], peak = 0.9): Emission {
  const data = new Float32Array(frames * classes);
  const rest = Math.log((1 - peak) / (classes - 1));
  const high = Math.log(peak);
  const winner = new Int32Array(frames);
  for (const p of placed) for (let t = p.start; t < p.end; t++) winner[t] = p.token;
  for (let t = 0; t < frames; t++) {
    for (let c = 0; c < classes; c++) data[t * classes + c] = c === winner[t] ? high : rest;
  }
  return { data, frames, classes };
}
