import { constants } from "node:fs";
import { access, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

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
 * Checks, without creating anything, that `outDir` is or can become a writable folder: it is a
 * folder, or its nearest existing parent is a writable folder. Cheap, so callers run it before
 * reading a checkpoint; a failed check names the path and the errno the write would have hit.
 */
export async function checkExportFolder(outDir: string): Promise<void> {
  let path = resolve(outDir);
  for (;;) {
    const code = await statError(path);
    if (code === undefined) break;
    // ENOTDIR: a file stands somewhere above; walking up finds it and names it below.
    if ((code !== "ENOENT" && code !== "ENOTDIR") || dirname(path) === path) throw new ExportFolderError(path, code, "cannot reach this path");
    path = dirname(path);
  }
  if (!(await stat(path)).isDirectory()) {
    const detail = path === resolve(outDir) ? "is a file, not a folder; give a folder to export into" : "is a file, so no folder can be made under it";
    throw new ExportFolderError(path, "ENOTDIR", detail);
  }
  try {
    await access(path, constants.W_OK);
  } catch (error) {
    throw new ExportFolderError(path, (error as NodeJS.ErrnoException).code ?? "EACCES", "not allowed to write here", { cause: error });
  }
}

/**
 * Writes `model`'s export folder: refuses non-finite weights and a destination that cannot be a
 * folder, creates `outDir`, builds the graphs (after the folder exists, so an unwritable
 * destination fails before the slow ONNX build), writes each under its layout name,
 * then `{ model, config, tunables, onnx: { <role>: <file>, …, ...onnxDetails } }` as indented JSON.
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
  await mkdir(outDir, { recursive: true });
  const graphs = buildGraphs();
  const roles = Object.keys(layout.graphs) as Role[];
  const configPath = join(outDir, layout.configFile);
  for (const role of roles) await writeFile(join(outDir, layout.graphs[role]), graphs[role]);
  const manifest = { model: model.name, config: checkpoint.config, tunables: checkpoint.tunables, onnx: { ...layout.graphs, ...onnxDetails } };
  await writeFile(configPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return [...roles.map((role) => join(outDir, layout.graphs[role])), configPath];
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
