/**
 * The registry of importers: `autosing import <kind>` runs the one of that kind, and `--help`
 * lists them, in this order. A kind of `MODEL_KINDS` without an importer here is reported by the
 * CLI as not implemented yet (issue #13 adds the frame classifier and the separator).
 */
import { BN_WHISPER_IMPORTER } from "./bn-whisper/importer.js";
import { FRAME_CLASSIFIER_IMPORTER } from "./frame-classifier/importer.js";
import type { ModelImporter, ModelKind } from "./importer.js";
import { SEPARATOR_IMPORTER } from "./separator/importer.js";
import { SNAC_IMPORTER } from "./snac/importer.js";
import { ARTIST_EMB_IMPORTER } from "./upstream-checkpoints/artist-emb-importer.js";
import { SM2A_IMPORTER } from "./upstream-checkpoints/sm2a-importer.js";
import { T2S_IMPORTER } from "./upstream-checkpoints/t2s-importer.js";

export const MODEL_IMPORTERS: readonly ModelImporter[] = [SNAC_IMPORTER, BN_WHISPER_IMPORTER, ARTIST_EMB_IMPORTER, T2S_IMPORTER, SM2A_IMPORTER, FRAME_CLASSIFIER_IMPORTER, SEPARATOR_IMPORTER];

/** The importer of `kind`, or undefined when it has not landed. */
export function importerFor(kind: ModelKind | string, importers: readonly ModelImporter[] = MODEL_IMPORTERS): ModelImporter | undefined {
  return importers.find((importer) => importer.kind === kind);
}
