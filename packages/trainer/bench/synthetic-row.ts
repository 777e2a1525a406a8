/** The synthetic 15 s training rows of the model benches, shaped like `construct-dataset --split` output. */
import type { Xoshiro128 } from "@autosing/base";
import { sparseToDense } from "@autosing/audio-codec";

import type { TrainingRow } from "../src/index.js";

export const FRAMES = 1248;
export const STOKS = 375;

/** A seeded synthetic row: random SNAC codes in the dense layout, random semantic tokens, a two-line text. */
export function syntheticRow(rng: Xoshiro128, index: number): TrainingRow {
  const levels = (): ReturnType<typeof sparseToDense> =>
    sparseToDense(
      [8, 4, 2, 1].map((stride) => {
        const n = FRAMES / stride;
        return { data: Int32Array.from({ length: n }, () => rng.nextInt(4096)), shape: [n] };
      }),
    );
  return {
    id: `synthetic_${index}`,
    atoks: levels().data,
    mtoks: levels().data,
    stoks: Int32Array.from({ length: STOKS }, () => rng.nextInt(2048)),
    embs: Float32Array.from({ length: 256 }, () => rng.nextFloat() - 0.5),
    alignment: null,
    text: "when the candle is lucky we follow\ni dance the ship and remember the moon",
  };
}

