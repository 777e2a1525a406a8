/**
 * `importModel`: runs an importer into a scratch folder of the models directory and, only when it
 * returned, moves the folder into place and records it in `models.json`. A failed import leaves
 * the directory and its manifest as they were.
 */
import { mkdir, rename, rm, rmdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";

import { removeStaleTemporaries, temporaryPathFor } from "@autosing/base";

import type { ModelImporter } from "../importer.js";
import { PRETRAINED_VERSION } from "./autosing-version.js";
import { ImporterContractError, ModelsUsageError } from "./errors.js";
import { type ManifestEntry, MODEL_NAME, MODELS_MANIFEST_FILE, emptyManifest, manifestPath, readManifestIfPresent, writeManifest } from "./manifest.js";
import { modelFilesProblem } from "./model-files.js";
import { checkSources, describeSources } from "./sources.js";

export interface ImportModelSettings {
  /** The model's folder and manifest key (default: the importer's kind). */
  readonly name?: string;
  /** Replace a model of that name. */
  readonly force?: boolean;
  /** Progress lines (the importer's and ours). */
  readonly log?: (line: string) => void;
  /** Recorded as the entry's `autosing` (the CLI passes its version). */
  readonly autosingVersion?: string;
  /** The import time (tests). */
  readonly now?: Date;
}

export interface ImportedModelRecord {
  readonly name: string;
  /** `<modelsDir>/<name>`, absolute. */
  readonly folder: string;
  readonly manifestPath: string;
  readonly entry: ManifestEntry;
}

/** Refuses a name that is not a plain folder name. */
export function checkModelName(name: string): void {
  if (!MODEL_NAME.test(name) || name === MODELS_MANIFEST_FILE) {
    throw new ModelsUsageError("--name", `"${name}" is not a model name: use letters, digits, ".", "_" and "-", starting with a letter or digit`);
  }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/**
 * Imports `sources` with `importer` into `<modelsDir>/<name>/` and records it in
 * `<modelsDir>/models.json`. Checks first, before any heavy work: the name, the importer's
 * options, that every source exists (`PretrainedSourceError`), that the manifest reads, and that
 * the name is free unless `force`. Leftover scratch folders of dead imports are removed.
 */
export async function importModel(
  modelsDir: string,
  importer: ModelImporter,
  sources: readonly string[],
  options: Readonly<Record<string, string | undefined>>,
  settings: ImportModelSettings = {},
): Promise<ImportedModelRecord> {
  const log = settings.log ?? (() => undefined);
  const name = settings.name ?? importer.kind;
  checkModelName(name);
  const known = new Set(importer.options.map((option) => option.name));
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new ModelsUsageError(`--${key}`, `is not an option of the ${importer.kind} importer (it takes ${known.size === 0 ? "none" : [...known].map((o) => `--${o}`).join(", ")})`);
  }
  const checked = await checkSources(sources);
  const directory = resolve(modelsDir);
  const before = await readManifestIfPresent(directory);
  const folder = join(directory, name);
  if (settings.force !== true) {
    if (before?.models[name] !== undefined) {
      throw new ModelsUsageError("--name", `${directory} already has a model named "${name}" (a ${before.models[name].kind}); pass --force to replace it, or --name <another name> to keep both`);
    }
    if (await exists(folder)) throw new ModelsUsageError("--name", `${folder} exists but is not in ${MODELS_MANIFEST_FILE}; remove it, pass --force to replace it, or choose another --name`);
  }

  const created = !(await exists(directory));
  await mkdir(directory, { recursive: true });
  await removeStaleTemporaries(directory);
  const scratch = temporaryPathFor(folder);
  let entry: ManifestEntry;
  try {
    await mkdir(scratch);
    const result = await importer.run(sources, options, { outputDir: scratch, log });
    const problem = await modelFilesProblem(importer.kind, result.files, scratch);
    if (problem !== undefined) throw new ImporterContractError(importer.kind, problem);
    log(`recording ${checked.length} source${checked.length === 1 ? "" : "s"} (size, SHA-256)`);
    entry = {
      kind: importer.kind,
      files: { ...result.files },
      sources: await describeSources(checked),
      imported: (settings.now ?? new Date()).toISOString(),
      autosing: settings.autosingVersion ?? PRETRAINED_VERSION,
      details: { ...result.details },
    };
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    // A directory this import created goes again when nothing else is in it.
    if (created) await rmdir(directory).catch(() => undefined);
    throw error;
  }
  await moveIntoPlace(directory, name, scratch, entry);
  return { name, folder, manifestPath: manifestPath(directory), entry };
}

/**
 * Moves the finished scratch folder to `<directory>/<name>` and writes the manifest; a model it
 * replaces is moved aside first and put back if anything after that fails.
 */
async function moveIntoPlace(directory: string, name: string, scratch: string, entry: ManifestEntry): Promise<void> {
  const folder = join(directory, name);
  let displaced: string | undefined;
  if (await exists(folder)) {
    displaced = temporaryPathFor(folder);
    await rename(folder, displaced);
  }
  let moved = false;
  try {
    await rename(scratch, folder);
    moved = true;
    // Read again just before writing: another import may have finished meanwhile.
    const manifest = (await readManifestIfPresent(directory)) ?? emptyManifest();
    manifest.models[name] = entry;
    await writeManifest(directory, manifest);
  } catch (error) {
    if (moved) await rm(folder, { recursive: true, force: true });
    else await rm(scratch, { recursive: true, force: true });
    if (displaced !== undefined) await rename(displaced, folder);
    throw error;
  }
  if (displaced !== undefined) await rm(displaced, { recursive: true, force: true });
}
