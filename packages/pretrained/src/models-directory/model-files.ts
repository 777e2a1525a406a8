/** Checks that a model's recorded files are what its kind needs and lie in its folder. */
import { stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";

import { type DirectoryModelKind, modelKindRow } from "./model-kinds.js";

/**
 * The first problem with `files` for a model of `kind` in `folder`, worded to follow the model's
 * name, or undefined when every role of the kind is recorded, each path is inside the folder and
 * exists.
 */
export async function modelFilesProblem(kind: DirectoryModelKind, files: Readonly<Record<string, string>>, folder: string): Promise<string | undefined> {
  for (const role of modelKindRow(kind).roles) {
    if (files[role] === undefined) return `returned no "${role}" file (a ${kind} model records ${modelKindRow(kind).roles.join(", ")})`;
  }
  for (const [role, path] of Object.entries(files)) {
    if (path === "" || isAbsolute(path) || path.split(/[\\/]/).includes("..")) return `returned "${role}": "${path}", which is not a path inside the model's folder`;
    const exists = await stat(join(folder, path)).then(
      () => true,
      () => false,
    );
    if (!exists) return `returned "${role}": "${path}", which it did not write`;
  }
  return undefined;
}
