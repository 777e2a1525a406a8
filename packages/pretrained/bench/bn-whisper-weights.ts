// Seeded random BN-Whisper source files of the real configuration for the bench: a
// whisper-small-sized encoder (80 mels, ctx 1500, width 768, 12 heads, 12 layers) and the
// autosing/bn_whisper.py make_model bottleneck (12 heads × 64, codebook_dim 64, 2048 codes, depth 1,
// downsample 2, default Tunables), written as the safetensors copies the golden script also
// writes (tensors under `state_dict.` / `model_state_dict.`, config/tunables/dims JSON in
// `__metadata__`). Tensors are generated and written one at a time, so writing them costs no
// more memory than the largest tensor. whisper.pt's decoder is left out: the importer never reads it.
import { closeSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";

import { Mulberry32 } from "@autosing/base";

import { bnWhisperShapes, whisperEncoderShapes } from "../src/index.js";
import type { BnWhisperConfig, BnWhisperTunables, WhisperDimensions } from "../src/index.js";

export const BENCH_DIMS: WhisperDimensions = {
  n_mels: 80,
  n_audio_ctx: 1500,
  n_audio_state: 768,
  n_audio_head: 12,
  n_audio_layer: 12,
  n_vocab: 51865,
  n_text_ctx: 448,
  n_text_state: 768,
  n_text_head: 12,
  n_text_layer: 12,
};

/** autosing/bn_whisper.py make_model's arguments (plus RQBottleneckTransformer's defaults it keeps). */
export const BENCH_CONFIG = {
  codebook_dim: 64,
  vq_codes: 2048,
  q_depth: 1,
  n_head: 12,
  head_width: 64,
  ffn_mult: 4,
  depth: 1,
  use_cosine_sim: true,
  downsample: 2,
  whisper_model_name: "whisper.pt",
} as const satisfies BnWhisperConfig & { whisper_model_name: string };

/** vq_stoks.py Tunables() defaults as save_model writes them. */
export const BENCH_TUNABLES = {
  init_std: 1.5,
  embeddings_std: 0.045,
  embeddings_lr_scale: 1,
  output_mult: 1,
  query_mult: 2,
  rope: true,
  mask_embs: true,
  downsample_conv: false,
  downsample_mean: true,
  codebook_dim: 32,
  codebook_decay: 0.9,
  lr0: 0.0009,
  clip_gradient_norm: 2,
  weight_decay: 0.001,
  warmup_steps: 850,
  random: false,
} as const satisfies BnWhisperTunables & Record<string, unknown>;

/** Values for one tensor: unit-gain uniform weights, small biases, LayerNorms near 1/0, real sinusoids, a unit-norm codebook. */
function tensorValues(key: string, shape: readonly number[], random: Mulberry32): Float32Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(count);
  if (key.endsWith("positional_embedding")) {
    const [length = 0, channels = 0] = shape;
    const half = channels / 2;
    const increment = Math.log(10000) / (half - 1);
    for (let t = 0; t < length; t++) {
      for (let c = 0; c < half; c++) {
        const angle = t * Math.exp(-increment * c);
        out[t * channels + c] = Math.sin(angle);
        out[t * channels + half + c] = Math.cos(angle);
      }
    }
    return out;
  }
  const isNorm = /_ln\.|ln_post\./u.test(key);
  const fanIn = shape.length >= 2 ? shape.slice(1).reduce((a, b) => a * b, 1) : 1;
  const bound = isNorm ? 0.1 : shape.length >= 2 ? Math.sqrt(3 / fanIn) : 0.02;
  for (let i = 0; i < count; i++) out[i] = random.uniform(-bound, bound) + (isNorm && key.endsWith(".weight") ? 1 : 0);
  if (key.endsWith("_codebook.embed") || key.endsWith("_codebook.embed_avg")) {
    const dim = shape[shape.length - 1] ?? 1;
    for (let row = 0; row < count / dim; row++) {
      const slice = out.subarray(row * dim, (row + 1) * dim);
      const norm = Math.hypot(...slice) || 1;
      for (let d = 0; d < dim; d++) slice[d] = (slice[d] ?? 0) / norm;
    }
  }
  return out;
}

/** Writes a safetensors file tensor by tensor, generating each just before it is written. */
function writeStreamed(path: string, shapes: ReadonlyMap<string, readonly number[]>, prefix: string, metadata: Record<string, string>, seed: number): number {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const [key, shape] of shapes) {
    const bytes = 4 * shape.reduce((a, b) => a * b, 1);
    header[prefix + key] = { dtype: "F32", shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  json += " ".repeat((8 - (json.length % 8)) % 8);
  const head = new Uint8Array(8 + json.length);
  new DataView(head.buffer).setBigUint64(0, BigInt(json.length), true);
  head.set(new TextEncoder().encode(json), 8);
  const fd = openSync(path, "w");
  try {
    writeSync(fd, head);
    const random = new Mulberry32(seed);
    for (const [key, shape] of shapes) writeSync(fd, new Uint8Array(tensorValues(key, shape, random).buffer));
  } finally {
    closeSync(fd);
  }
  return head.length + offset;
}

/** Writes `rvq.safetensors` and `whisper.safetensors` of the real configuration into `dir`; returns their paths and sizes. */
export function writeBenchSources(dir: string): { rvq: string; whisper: string; bytes: number } {
  const rvq = join(dir, "rvq.safetensors");
  const whisper = join(dir, "whisper.safetensors");
  const rvqBytes = writeStreamed(rvq, bnWhisperShapes(BENCH_CONFIG, BENCH_TUNABLES), "state_dict.", { config: JSON.stringify(BENCH_CONFIG), tunables: JSON.stringify(BENCH_TUNABLES) }, 1);
  const whisperBytes = writeStreamed(whisper, whisperEncoderShapes(BENCH_DIMS), "model_state_dict.", { dims: JSON.stringify(BENCH_DIMS) }, 2);
  return { rvq, whisper, bytes: rvqBytes + whisperBytes };
}
