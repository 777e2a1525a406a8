/**
 * `recordModels`: adds models that autosing made in place (the demo's fitted codec and tokenizer,
 * its trained and exported t2s, sm2a and artist embedder) to a models directory's manifest,
 * without importing anything.
 */
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";

import { PRETRAINED_VERSION } from "./autosing-version.js";
import { ImporterContractError } from "./errors.js";
import { type ManifestEntry, emptyManifest, readManifestIfPresent, writeManifest } from "./manifest.js";
import { type DirectoryModelKind } from "./model-kinds.js";
import { modelFilesProblem } from "./model-files.js";
import { checkModelName } from "./import-model.js";

/** A model already in `<modelsDir>/<name>/`. */
export interface ModelInPlace {
  readonly kind: DirectoryModelKind;
  /** Role → path inside the model's folder. */
  readonly files: Readonly<Record<string, string>>;
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Records `models` (by name) in `<modelsDir>/models.json`, replacing entries of the same names
 * and keeping the others; every file must exist. The entries have no sources and no import
 * time, so the manifest's bytes depend only on the models (the demo's outputs are compared by hash).
 */
export async function recordModels(modelsDir: string, models: Readonly<Record<string, ModelInPlace>>, settings: { autosingVersion?: string } = {}): Promise<void> {
  const directory = resolve(modelsDir);
  await mkdir(directory, { recursive: true });
  const manifest = (await readManifestIfPresent(directory)) ?? emptyManifest();
  for (const [name, model] of Object.entries(models)) {
    checkModelName(name);
    const problem = await modelFilesProblem(model.kind, model.files, join(directory, name));
    if (problem !== undefined) throw new ImporterContractError(model.kind, `recorded as "${name}" ${problem}`);
    const entry: ManifestEntry = { kind: model.kind, files: { ...model.files }, sources: [], autosing: settings.autosingVersion ?? PRETRAINED_VERSION, details: { ...model.details } };
    manifest.models[name] = entry;
  }
  await writeManifest(directory, manifest);
}
