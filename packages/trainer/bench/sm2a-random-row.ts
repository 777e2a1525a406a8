/**
 * One random sm2a tiny row as the model-level benches feed it (bench/sm2a-profile.ts,
 * bench/sm2a-loss-ab.ts): 375 semantic tokens, 8 × `steps` acoustic and 8 × 320 music tokens, a
 * 256-d artist embedding, and the tiny model itself, seeded.
 */
import { Xoshiro128 } from "@autosing/base";
import { DEFAULT_SM2A_TUNABLES, SM2ATfModel, sm2aConfigForSize } from "@autosing/sm2a-model";
import * as tf from "@tensorflow/tfjs-core";

export function sm2aRandomRow(steps: number) {
  const config = sm2aConfigForSize("tiny", { ctx_n: steps, stoks_len: 375, mtoks_len: 320, spk_width: 256 });
  const model = new SM2ATfModel(config, { ...DEFAULT_SM2A_TUNABLES }, { seed: 0 });
  const rng = Xoshiro128.fromSeed(1);
  const ints = (n: number, max: number) => Int32Array.from({ length: n }, () => rng.nextInt(max));
  const batch = {
    stoks: tf.tensor2d(ints(375, 2048), [1, 375], "int32"),
    atoks: tf.tensor3d(ints(8 * steps, 4096), [1, 8, steps], "int32"),
    mtoks: tf.tensor3d(ints(8 * 320, 4096), [1, 8, 320], "int32"),
    speakers: tf.tensor2d(Float32Array.from({ length: 256 }, () => rng.nextFloat() - 0.5), [1, 256]),
  };
  return { config, model, batch };
}
