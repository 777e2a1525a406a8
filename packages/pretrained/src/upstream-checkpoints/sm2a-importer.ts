import { SM2A_MODEL, SM2A_SIZES, type SM2ASize, sm2aConfigForSize, writeSM2AExport } from "@autosing/sm2a-model";

import type { ModelImporter } from "../importer.js";
import { checkpointImporter } from "./checkpoint-importer.js";
import { otherKinds, telltale } from "./kinds.js";

/**
 * `autosing import sm2a`: an AutoSing sm2a `.model` (SM2ATransformer `save_model`; `speaker_map`
 * and `_extra_state` are reported and dropped) or a Lightning `.ckpt` → `checkpoint/` and `export/`.
 */
export const SM2A_IMPORTER: ModelImporter = checkpointImporter({
  kind: "sm2a",
  summary: "AutoSing's semantic+music+artist→acoustic model (SM2ATransformer .model or Lightning .ckpt)",
  definition: SM2A_MODEL,
  looksLike: telltale("sm2a"),
  otherKinds: otherKinds("sm2a"),
  sizes: Object.keys(SM2A_SIZES),
  configForSize: (size) => sm2aConfigForSize(size as SM2ASize),
  sizeOf: (config) => {
    const match = Object.entries(SM2A_SIZES).find(([, preset]) => preset.depth === config.depth && preset.n_head === config.n_head);
    return match === undefined || config.head_width !== 64 || config.ffn_mult !== 4 ? null : match[0];
  },
  writeExport: (checkpoint, dir) => writeSM2AExport(checkpoint, dir),
});
