import { constants } from "node:fs";
import { access, copyFile, link, readFile, readdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

import { writeDirectoryAtomic } from "@autosing/base";

import { ExportFolderError } from "../errors.js";
import type { StateDict } from "../safetensors.js";
import { assertFiniteWeights } from "./finite-weights.js";
import type { ModelDefinition } from "./model-definition.js";

/**
 * The files of a model's export folder (what `autosing export` writes and `sing` opens): its ONNX
 * graphs by role (`encoder`, `decoder`, `embedder`), in the order they are written, and the JSON
 * config beside them.
 */
export interface ExportLayout<Role extends string> {
  readonly graphs: Readonly<Record<Role, string>>;
  readonly configFile: string;
}

/** What an export folder's JSON config holds besides the graph files. */
interface ExportManifest {
  model?: unknown;
  config?: Record<string, unknown>;
  tunables?: Record<string, unknown>;
}

/** The errno of a failed `stat`, or undefined when the path exists. */
async function statError(path: string): Promise<string | undefined> {
  try {
    await stat(path);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? "EIO";
  }
}

/**
 * Checks, without creating anything, that `outDir` is or can become a folder written as a whole:
 * it is a folder, or its nearest existing parent is one, and the folder the export is renamed in
 * from (`outDir`'s parent, or that nearest parent) is writable. Cheap, so callers run it before
 * reading a checkpoint; a failed check names the path and the errno the write would have hit.
 */
export async function checkExportFolder(outDir: string): Promise<void> {
  const target = resolve(outDir);
  let path = target;
  for (;;) {
    const code = await statError(path);
    if (code === undefined) break;
    // ENOTDIR: a file stands somewhere above; walking up finds it and names it below.
    if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(path) === path) throw new ExportFolderError(path, code, "cannot reach this path");
    path = dirname(path);
  }
  if (!(await stat(path)).isDirectory()) {
    const detail = path === target ? "is a file, not a folder; give a folder to export into" : "is a file, so no folder can be made under it";
    throw new ExportFolderError(path, "ENOTDIR", detail);
  }
  // The export is written beside the folder and renamed into place, so the folder that holds it must take writes.
  const writable = path === target && dirname(target) !== target ? dirname(target) : path;
  try {
    await access(writable, constants.W_OK);
    if (path === target) await access(target, constants.R_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "EACCES";
    const detail = writable === path ? "not allowed to write here" : `not allowed to write in ${writable}, where the export is written before it replaces ${target}`;
    throw new ExportFolderError(writable === path ? path : target, code, detail, { cause: error });
  }
}

/**
 * The files of an existing `outDir` that are not this layout's (another model's export, notes):
 * they are carried into the new folder. A subfolder is refused (ExportFolderError, EEXIST), as the
 * folder is replaced as a whole and an export does not copy trees.
 */
async function foreignFiles(outDir: string, own: ReadonlySet<string>): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(outDir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw new ExportFolderError(outDir, (error as NodeJS.ErrnoException).code ?? "EIO", "cannot list the folder", { cause: error });
  }
  const foreign: string[] = [];
  for (const entry of entries) {
    if (own.has(entry.name)) continue;
    if (!entry.isFile()) {
      throw new ExportFolderError(join(outDir, entry.name), "EEXIST", "is in the export folder, which an export replaces as a whole; export into a folder without subfolders");
    }
    foreign.push(entry.name);
  }
  return foreign;
}

/** Puts `name` of `from` into `to` without touching the original: a hard link, or a copy across file systems. */
async function carry(from: string, to: string, name: string): Promise<void> {
  try {
    await link(join(from, name), join(to, name));
  } catch {
    await copyFile(join(from, name), join(to, name));
  }
}

/**
 * Writes `model`'s export folder as a whole: refuses non-finite weights and a destination that
 * cannot be a folder (or holds a subfolder), builds the graphs, writes each under its layout name
 * and then `{ model, config, tunables, onnx: { <role>: <file>, …, ...onnxDetails } }` as indented
 * JSON into a scratch folder beside `outDir`, and renames it into place (base's
 * `writeDirectoryAtomic`): a failed or killed export leaves the old folder or the new one, never a
 * mix. Files of an existing `outDir` that are not this layout's (another model's export) are kept.
 * Returns the paths written: the graphs in layout order, then the config.
 */
export async function writeExportFolder<Role extends string, Config, Tunables>(
  model: Pick<ModelDefinition<string, Config, Tunables, never>, "name">,
  layout: ExportLayout<Role>,
  outDir: string,
  checkpoint: { config: Config; tunables: Tunables; weights?: StateDict },
  buildGraphs: () => Readonly<Record<Role, Uint8Array>>,
  onnxDetails: Record<string, unknown> = {},
): Promise<string[]> {
  if (checkpoint.weights !== undefined) assertFiniteWeights(checkpoint.weights);
  await checkExportFolder(outDir);
  const roles = Object.keys(layout.graphs) as Role[];
  const own = new Set([...roles.map((role) => layout.graphs[role]), layout.configFile]);
  const foreign = await foreignFiles(outDir, own);
  const graphs = buildGraphs();
  const manifest = { model: model.name, config: checkpoint.config, tunables: checkpoint.tunables, onnx: { ...layout.graphs, ...onnxDetails } };
  await writeDirectoryAtomic(outDir, async (scratch) => {
    for (const name of foreign) await carry(outDir, scratch, name);
    for (const role of roles) await writeFile(join(scratch, layout.graphs[role]), graphs[role]);
    await writeFile(join(scratch, layout.configFile), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return [...roles.map((role) => join(outDir, layout.graphs[role])), join(outDir, layout.configFile)];
}

/** An export folder read back: the parsed config and tunables and the path of every graph. */
export interface ExportFolder<Role extends string, Config, Tunables> {
  config: Config;
  tunables: Tunables;
  graphs: Record<Role, string>;
}

/**
 * Reads the config of an export folder written by `writeExportFolder` (an unreadable one is the
 * model package's error, naming the file) and parses its dicts with the model's readers.
 */
export async function readExportFolder<Role extends string, Config, Tunables>(
  model: Pick<ModelDefinition<string, Config, Tunables, never>, "readConfig" | "readTunables" | "errors">,
  layout: ExportLayout<Role>,
  dir: string,
): Promise<ExportFolder<Role, Config, Tunables>> {
  const configPath = join(dir, layout.configFile);
  let manifest: ExportManifest;
  try {
    manifest = JSON.parse(await readFile(configPath, "utf8")) as ExportManifest;
  } catch (error) {
    throw new model.errors.package(`${configPath}: cannot read the export config (${(error as Error).message})`);
  }
  const config = model.readConfig(manifest.config ?? {});
  const tunables = model.readTunables(manifest.tunables ?? {});
  const roles = Object.keys(layout.graphs) as Role[];
  const graphs = Object.fromEntries(roles.map((role) => [role, join(dir, layout.graphs[role])])) as Record<Role, string>;
  return { config, tunables, graphs };
}
