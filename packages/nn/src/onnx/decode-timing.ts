import { mulberry32 } from "@autosing/base";

import type { ParameterSpec } from "../parameters.js";
import type { StateDict } from "../safetensors.js";

/**
 * Helpers shared by the models' decoding benchmarks: bench weights, the copy-rate anchor and
 * interleaved A/B timing (the benchmark machines are shared, so variants compared must take
 * turns within one run rather than run one after the other).
 */

/** Cheap deterministic weights for `specs` (fixed initialisers kept): speed does not depend on values, which only need to be small and finite. */
export function benchWeights(specs: Iterable<ParameterSpec>): StateDict {
  const out: StateDict = new Map();
  const random = mulberry32(12345);
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (spec.init.kind === "fixed") data.set(spec.init.values);
    else for (let i = 0; i < count; i++) data[i] = (random() - 0.5) * 0.04;
    out.set(spec.name, { shape: spec.shape, data });
  }
  return out;
}

/** Measured memory traffic rate (bytes read + written per second) of a 256 MiB copy, best of 5. */
export function measureCopyBandwidth(): number {
  const a = new Float32Array(64 * 1024 * 1024).fill(1);
  const b = new Float32Array(a.length);
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    b.set(a);
    best = Math.min(best, performance.now() - t);
  }
  return (2 * a.byteLength) / (best / 1000);
}

export interface StepTiming {
  label: string;
  /** Median ms per call. */
  median: number;
  /** Fastest call: the cost on an idle moment; shared machines inflate the median. */
  min: number;
}

/**
 * Times `steps` calls of each variant in turns (A B A B …) after one warm-up call each, so that
 * load changes on a shared machine hit every variant alike. Returns median and min per variant.
 */
export async function timeInterleaved(variants: readonly { label: string; run: () => Promise<unknown> }[], steps: number): Promise<StepTiming[]> {
  for (const v of variants) await v.run();
  const times = variants.map(() => [] as number[]);
  for (let s = 0; s < steps; s++) {
    for (const [k, v] of variants.entries()) {
      const t = performance.now();
      await v.run();
      times[k]?.push(performance.now() - t);
    }
  }
  return variants.map((v, k) => {
    const sorted = [...(times[k] ?? [])].sort((a, b) => a - b);
    return { label: v.label, median: sorted[Math.floor(sorted.length / 2)] ?? NaN, min: sorted[0] ?? NaN };
  });
}
