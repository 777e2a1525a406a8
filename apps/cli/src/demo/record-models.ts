/** The demo's `<out>/models/models.json`: its fitted codec and tokenizer and its three trained models, as a models directory. */
import { recordModels } from "@autosing/pretrained";

import { CLI_VERSION } from "../shared/cli-version.js";
import { CODEBOOK_SIZE, SEMANTIC_CODES, type demoLayout } from "./layout.js";

const TRAINED = { checkpoint: "checkpoint", export: "export" };

/** Records what the demo made (idempotent: the same models give the same bytes). */
export async function recordDemoModels(dirs: ReturnType<typeof demoLayout>): Promise<void> {
  await recordModels(dirs.models, {
    "default-codec": { kind: "default-codec", files: { codec: "codec.json" }, details: { codebook_size: CODEBOOK_SIZE, made_by: "autosing demo" } },
    "default-tokenizer": { kind: "default-tokenizer", files: { tokenizer: "tokenizer.json" }, details: { codes: SEMANTIC_CODES, made_by: "autosing demo" } },
    "artist-emb": { kind: "artist-emb", files: TRAINED, details: { made_by: "autosing demo" } },
    t2s: { kind: "t2s", files: TRAINED, details: { size: "micro", made_by: "autosing demo" } },
    sm2a: { kind: "sm2a", files: TRAINED, details: { size: "tiny", made_by: "autosing demo" } },
  }, { autosingVersion: CLI_VERSION });
}
