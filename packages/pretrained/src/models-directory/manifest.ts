/**
 * `models.json`, the manifest of a models directory: which model is in which folder, of which
 * kind, with which files, built from which published files. Versioned so a newer autosing can
 * change it and an older one says so instead of misreading it.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

import { writeFileAtomic } from "@autosing/base";
import { z } from "zod";

import { ModelsDirectoryError, ModelsManifestError } from "./errors.js";

export const MODELS_MANIFEST_FILE = "models.json";
export const MODELS_MANIFEST_FORMAT = "autosing-models";
export const MODELS_MANIFEST_VERSION = 1;

/**
 * A model's folder name: letters, digits, `.`, `_`, `-`, not starting with a dot (hidden scratch
 * folders start with one), at most 100 characters.
 */
export const MODEL_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

const insideFolder = z
  .string()
  .min(1)
  .refine((path) => !isAbsolute(path) && !path.split(/[\\/]/).includes(".."), { error: "must be a path inside the model's folder (relative, no ..)" });

const sourceSchema = z.looseObject({
  /** The published file or folder as the user gave it, made absolute. */
  path: z.string().min(1),
  /** Its size; a folder's is the sum of its files. */
  bytes: z.int().min(0),
  /** A file's SHA-256, hex (folders have none). */
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  directory: z.literal(true).optional(),
});

const entrySchema = z.looseObject({
  /** A kind of `MODEL_KINDS`; an entry of a kind this autosing does not know is kept and ignored. */
  kind: z.string().min(1),
  /** Role → path inside `<directory>/<name>/`. */
  files: z.record(z.string().min(1), insideFolder),
  /** The published files it was imported from (empty for models autosing made itself). */
  sources: z.array(sourceSchema),
  /** When it was imported (ISO 8601); absent for models autosing made itself (the demo's). */
  imported: z.iso.datetime({ offset: true }).optional(),
  /** The autosing version that wrote it. */
  autosing: z.string().min(1),
  /** Facts about the model: sample rate, size, vocabulary… */
  details: z.record(z.string(), z.unknown()),
});

const manifestSchema = z.looseObject({
  format: z.literal(MODELS_MANIFEST_FORMAT),
  version: z.literal(MODELS_MANIFEST_VERSION, { error: `must be ${MODELS_MANIFEST_VERSION} (a newer autosing wrote this file: use that version)` }),
  // Names are checked after parsing: zod words a bad record key only as "Invalid key in record".
  models: z.record(z.string(), entrySchema),
});

export type ModelSource = z.infer<typeof sourceSchema>;
export type ManifestEntry = z.infer<typeof entrySchema>;
export type ModelsManifest = z.infer<typeof manifestSchema>;

export function emptyManifest(): ModelsManifest {
  return { format: MODELS_MANIFEST_FORMAT, version: MODELS_MANIFEST_VERSION, models: {} };
}

export function manifestPath(directory: string): string {
  return join(directory, MODELS_MANIFEST_FILE);
}

/** The dotted key of a zod issue's path (`models.snac.files.encoder`). */
function dottedKey(path: readonly PropertyKey[]): string | undefined {
  return path.length === 0 ? undefined : path.map((part) => (typeof part === "number" ? `[${part}]` : String(part))).join(".").replace(/\.\[/g, "[");
}

/** Reads and checks a manifest's text; errors name `file` and the key. */
export function parseManifest(text: string, file: string): ModelsManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ModelsManifestError(file, `is not JSON (${(error as Error).message}); restore it or remove the directory and import again`);
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ModelsManifestError(file, issue?.message ?? "is not a models manifest", dottedKey(issue?.path ?? []));
  }
  for (const name of Object.keys(parsed.data.models)) {
    if (!MODEL_NAME.test(name)) throw new ModelsManifestError(file, "is not a model name (letters, digits, ., _, -, starting with a letter or digit)", `models.${name}`);
  }
  return parsed.data;
}

/** The manifest text as written: two-space JSON, models in name order, a final newline. */
export function serializeManifest(manifest: ModelsManifest): string {
  const models = Object.fromEntries(Object.keys(manifest.models).sort().map((name) => [name, manifest.models[name]]));
  return `${JSON.stringify({ ...manifest, models }, null, 2)}\n`;
}

/**
 * The manifest of an existing models directory. A folder that does not exist, or has no
 * `models.json`, is a `ModelsDirectoryError` saying how to make one.
 */
export async function readManifest(directory: string): Promise<ModelsManifest> {
  const manifest = await readManifestIfPresent(directory);
  if (manifest === undefined) {
    const exists = await stat(directory).then((info) => info.isDirectory(), () => false);
    throw new ModelsDirectoryError(
      directory,
      exists
        ? `has no ${MODELS_MANIFEST_FILE}, so it is not a models directory; fill one with "autosing import <kind> <source…> --models ${directory}"`
        : `does not exist; create it with "autosing import <kind> <source…> --models ${directory}" (or run "autosing demo", whose models go to <out>/models)`,
    );
  }
  return manifest;
}

/** The manifest of `directory`, or undefined when the folder or its `models.json` does not exist. */
export async function readManifestIfPresent(directory: string): Promise<ModelsManifest | undefined> {
  const file = manifestPath(directory);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw new ModelsManifestError(file, `cannot be read (${(error as Error).message})`);
  }
  return parseManifest(text, file);
}

/** Writes the manifest atomically (temporary file, fsync, rename). */
export async function writeManifest(directory: string, manifest: ModelsManifest): Promise<void> {
  await writeFileAtomic(manifestPath(directory), serializeManifest(manifest));
}
