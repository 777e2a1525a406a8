/**
 * The registry of importers: `autosing import <kind>` runs the one of that kind, and `--help`
 * lists them. Empty on this branch: the SNAC, BN-Whisper and upstream-checkpoint importers
 * (`snac/`, `bn-whisper/`, `upstream-checkpoints/`) are written at the same time and join this
 * list when they merge — one line each. A kind of `MODEL_KINDS` without an importer here is
 * reported by the CLI as not implemented yet.
 */
import type { ModelImporter, ModelKind } from "./importer.js";

export const MODEL_IMPORTERS: readonly ModelImporter[] = [];

/** The importer of `kind`, or undefined when it has not landed. */
export function importerFor(kind: ModelKind | string, importers: readonly ModelImporter[] = MODEL_IMPORTERS): ModelImporter | undefined {
  return importers.find((importer) => importer.kind === kind);
}
