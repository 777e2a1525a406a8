import { type AcousticCodec, type Tokens, removePattern } from "@autosing/audio-codec";
import type { SM2AGenerator } from "@autosing/sm2a-model";

import { SingOptionError } from "./errors.js";

/** SNAC's decoder reads whole blocks of 96 finest frames (level i truncated to multiples of 12·2^i). */
export const DECODE_BLOCK_FRAMES = 96;

/** The sizes of a run, derived from `--length`, the codec and the sm2a model's music length. */
export interface AcousticPlan {
  /** Codec frames of music the models read: (mtoks_len − 8)·4. */
  readonly musicFrames: number;
  /** `bricks_unrolled` steps of the template: musicFrames + 32. */
  readonly templateSteps: number;
  /** Steps generated (upstream N = ⌊length·frame_rate / 8⌋·8). */
  readonly steps: number;
  /** Codec frames after `removePattern`: 4·(N/4 − 8). */
  readonly frames: number;
  /** Frames the codec decodes (whole 96-frame blocks): the output length is this × hop samples. */
  readonly decodedFrames: number;
}

/** Port of autosing/sing.py's N, checked against the template and the decoder's block size. */
export function planAcoustic(length: number, codec: Pick<AcousticCodec, "frameRate" | "alignment">, mtoksLength: number): AcousticPlan {
  const musicFrames = (mtoksLength - 8) * 4;
  const templateSteps = musicFrames + 32;
  // "Have to round this up to 8 because of the snac encoding" (upstream; it rounds down).
  const steps = Math.floor((length * codec.frameRate) / codec.alignment) * codec.alignment;
  const frames = 4 * (steps / 4 - 8);
  const decodedFrames = Math.floor(frames / DECODE_BLOCK_FRAMES) * DECODE_BLOCK_FRAMES;
  if (steps > templateSteps) {
    throw new SingOptionError("--length", length, `needs ${steps} acoustic steps, but the sm2a model's music template has ${templateSteps} (${(musicFrames / codec.frameRate).toFixed(2)} s of music); use a shorter --length`);
  }
  if (decodedFrames <= 0) {
    const minimum = Math.ceil(((DECODE_BLOCK_FRAMES + 32) / codec.frameRate) * 100) / 100;
    throw new SingOptionError("--length", length, `gives ${steps} acoustic steps = ${Math.max(frames, 0)} codec frames, less than one ${DECODE_BLOCK_FRAMES}-frame decoder block; use --length ≥ ${minimum}`);
  }
  return { musicFrames, templateSteps, steps, frames, decodedFrames };
}

/**
 * Port of the sm2a part of autosing/sing.py: `batchSize` rows of acoustic tokens from the
 * semantic tokens, the `bricks` music, the artist embedding and the `bricks_unrolled` template;
 * the pattern removed and codes ≥ num_codes set to 0. Returns dense codes `[bs, 4, frames]`.
 */
export async function generateAcoustic(
  sm2a: SM2AGenerator,
  input: { stoks: readonly number[]; bricks: readonly (readonly number[])[]; template: readonly (readonly number[])[]; embedding: Float32Array },
  options: { plan: AcousticPlan; numCodes: number; temperature: number; batchSize: number; seed: number; onStep?: (step: number, total: number) => void },
): Promise<Tokens> {
  // Upstream pads [pad, stoks] to stoks_len with F.pad(stoks, (1, stoks_len − len − 1)): for 750
  // tokens and stoks_len 750 the right pad is −1, which drops the last token. Same here.
  // The t2s head has one logit past the semantic vocabulary (upstream's mask of it hits the
  // batch axis and masks nothing); sm2a's embedding has no row for it (upstream would fail with an
  // index error), so such a token becomes the pad code.
  const pad = sm2a.config.stoks_codes - 1;
  const stoks = input.stoks.slice(0, sm2a.config.stoks_len - 1).map((token) => (token >= 0 && token < sm2a.config.stoks_codes ? token : pad));
  const { patterned } = await sm2a.generate(stoks, input.bricks, input.embedding, {
    template: input.template,
    steps: options.plan.steps,
    temperature: options.temperature,
    batchSize: options.batchSize,
    seed: options.seed,
    ...(options.onStep ? { onStep: (step: number) => options.onStep?.(step, options.plan.steps - 1) } : {}),
  });
  // Upstream sets sm2a_model.pattern = "bricks_unrolled" whatever the checkpoint says.
  const codes = removePattern("bricks_unrolled", patterned);
  for (let i = 0; i < codes.data.length; i++) if ((codes.data[i] ?? 0) >= options.numCodes) codes.data[i] = 0;
  return codes;
}
