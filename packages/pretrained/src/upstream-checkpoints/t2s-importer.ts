import { T2S_MODEL, T2S_SIZES, type T2SSize, t2sConfigForSize, writeT2SExport } from "@autosing/t2s-model";

import type { ModelImporter } from "../importer.js";
import { checkpointImporter } from "./checkpoint-importer.js";
import { otherKinds, telltale } from "./kinds.js";

/**
 * `autosing import t2s`: a WhisperSpeech/AutoSing t2s `.model` (TM2STransformer `save_model`) or a
 * Lightning `.ckpt` of upstream train.py → `checkpoint/` (what `autosing export` and
 * `train --load-from` read) and `export/` (the ONNX encoder and decoder).
 */
export const T2S_IMPORTER: ModelImporter = checkpointImporter({
  kind: "t2s",
  summary: "AutoSing's text+music→semantic model (TM2STransformer .model or Lightning .ckpt)",
  definition: T2S_MODEL,
  looksLike: telltale("t2s"),
  otherKinds: otherKinds("t2s"),
  sizes: Object.keys(T2S_SIZES),
  configForSize: (size) => t2sConfigForSize(size as T2SSize),
  sizeOf: (config) => {
    const match = Object.entries(T2S_SIZES).find(([, preset]) => preset.depth === config.depth && preset.n_head === config.n_head && (preset.ffn_mult ?? 4) === config.ffn_mult);
    return match === undefined || config.head_width !== 64 ? null : match[0];
  },
  writeExport: (checkpoint, dir) => writeT2SExport(checkpoint, dir),
});
