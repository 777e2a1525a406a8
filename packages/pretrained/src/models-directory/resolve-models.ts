/**
 * `resolveModels`: what each command finds in a models directory — for every need (codec,
 * tokenizer, t2s model, …) the path or spec the matching flag takes, from the model chosen by
 * the kind table's order and the naming rule.
 */
import { stat } from "node:fs/promises";
import { join, resolve } from "node:path";

import { ModelsManifestError, ModelsUsageError } from "./errors.js";
import { type ManifestEntry, type ModelsManifest, manifestPath, readManifest } from "./manifest.js";
import { type DirectoryModelKind, MODEL_KINDS, MODEL_NEEDS, type ModelNeed, isDirectoryModelKind, modelKindRow } from "./model-kinds.js";

/** The network that meets a need. */
export interface ResolvedNetwork {
  readonly need: ModelNeed;
  /** What the need's flag takes: a spec (`snac:<dir>`, `bn-whisper:<file>`, `default:<file>`) or an absolute path. */
  readonly value: string;
  /** The model's name in the manifest, and its kind. */
  readonly model: string;
  readonly kind: DirectoryModelKind;
  /** Made by autosing's demo or `codec fit`, not imported from upstream. */
  readonly demoGrade: boolean;
}

export interface ResolvedModels {
  /** The models directory, absolute. */
  readonly directory: string;
  readonly manifest: ModelsManifest;
  /** Each need some model in the directory meets. */
  readonly networks: Readonly<Partial<Record<ModelNeed, ResolvedNetwork>>>;
  /**
   * Needs that several models of the preferred kind meet, none named like the kind: the names,
   * so a command that uses the need can refuse with them ({@link networkFor}).
   */
  readonly ambiguous: Readonly<Partial<Record<ModelNeed, readonly string[]>>>;
  /** Entries of kinds this autosing does not know (a newer one wrote them): kept, not used. */
  readonly ignored: readonly { name: string; kind: string }[];
}

/**
 * The model of the first kind (table order) that meets `need`: the only one of that kind, or the
 * one named like the kind; several without such a name are ambiguous.
 */
function choose(need: ModelNeed, byKind: Map<DirectoryModelKind, string[]>): { name: string; kind: DirectoryModelKind } | { ambiguous: string[] } | undefined {
  for (const kind of Object.keys(MODEL_KINDS) as DirectoryModelKind[]) {
    if (modelKindRow(kind).provides[need] === undefined) continue;
    const names = byKind.get(kind) ?? [];
    if (names.length === 1) return { name: names[0] as string, kind };
    if (names.includes(kind)) return { name: kind, kind };
    if (names.length > 1) return { ambiguous: names };
  }
  return undefined;
}

/** The absolute path of each role of an entry; a recorded file that is missing is an error naming the key. */
async function roleFiles(directory: string, name: string, entry: ManifestEntry): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const [role, path] of Object.entries(entry.files)) {
    const absolute = join(directory, name, path);
    const found = await stat(absolute).then(
      () => true,
      () => false,
    );
    if (!found) throw new ModelsManifestError(manifestPath(directory), `${absolute} is missing; import the model again (autosing import ${entry.kind} … --force)`, `models.${name}.files.${role}`);
    files.set(role, absolute);
  }
  return files;
}

/**
 * Reads `<modelsDir>/models.json` and finds, for every need, the network the directory holds.
 * A directory without a manifest is a `ModelsDirectoryError`; a bad manifest or a recorded file
 * that is missing a `ModelsManifestError` naming the key.
 */
export async function resolveModels(modelsDir: string): Promise<ResolvedModels> {
  const directory = resolve(modelsDir);
  const manifest = await readManifest(directory);
  const byKind = new Map<DirectoryModelKind, string[]>();
  const ignored: { name: string; kind: string }[] = [];
  const files = new Map<string, Map<string, string>>();
  for (const [name, entry] of Object.entries(manifest.models)) {
    if (!isDirectoryModelKind(entry.kind)) {
      ignored.push({ name, kind: entry.kind });
      continue;
    }
    for (const role of modelKindRow(entry.kind).roles) {
      if (entry.files[role] === undefined) throw new ModelsManifestError(manifestPath(directory), `lacks the "${role}" file a ${entry.kind} model records; import it again`, `models.${name}.files`);
    }
    files.set(name, await roleFiles(directory, name, entry));
    byKind.set(entry.kind, [...(byKind.get(entry.kind) ?? []), name]);
  }
  const networks: Partial<Record<ModelNeed, ResolvedNetwork>> = {};
  const ambiguous: Partial<Record<ModelNeed, string[]>> = {};
  for (const need of Object.keys(MODEL_NEEDS) as ModelNeed[]) {
    const chosen = choose(need, byKind);
    if (chosen === undefined) continue;
    if ("ambiguous" in chosen) {
      ambiguous[need] = chosen.ambiguous;
      continue;
    }
    const row = modelKindRow(chosen.kind);
    const paths = files.get(chosen.name) as Map<string, string>;
    const value = (row.provides[need] as (file: (role: string) => string) => string)((role) => paths.get(role) as string);
    networks[need] = { need, value, model: chosen.name, kind: chosen.kind, demoGrade: row.demoGrade };
  }
  return { directory, manifest, networks, ambiguous, ignored };
}

/**
 * The network for `need`, or undefined when the directory has none; several candidates with none
 * named like their kind are a `ModelsUsageError` naming them and the way out.
 */
export function networkFor(models: ResolvedModels, need: ModelNeed): ResolvedNetwork | undefined {
  const names = models.ambiguous[need];
  if (names !== undefined) {
    throw new ModelsUsageError(
      "--models",
      `${models.directory} has ${names.length} models that can serve as ${MODEL_NEEDS[need]} (${names.join(", ")}) and none is named like its kind; pass the model's flag explicitly, or re-import the one to use with --name <kind>`,
    );
  }
  return models.networks[need];
}
