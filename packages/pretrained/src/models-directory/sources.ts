/** The published files an import reads, as the manifest records them: absolute path, size, SHA-256. */
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { createHash } from "node:crypto";

import { PretrainedSourceError } from "../errors.js";
import type { ModelSource } from "./manifest.js";

/** A source that exists: a file or a folder. */
export interface CheckedSource {
  readonly path: string;
  readonly directory: boolean;
  readonly bytes: number;
}

async function folderBytes(folder: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += await folderBytes(path);
    else if (entry.isFile()) total += (await stat(path)).size;
  }
  return total;
}

/**
 * Checks that each source exists before any heavy work: a missing one is a
 * `PretrainedSourceError` naming it (bad input).
 */
export async function checkSources(sources: readonly string[]): Promise<CheckedSource[]> {
  if (sources.length === 0) throw new PretrainedSourceError("<source>", "no source given: name the published file(s) to import");
  const checked: CheckedSource[] = [];
  for (const source of sources) {
    const path = resolve(source);
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new PretrainedSourceError(source, error.code === "ENOENT" ? "does not exist" : `cannot be read (${error.message})`);
    });
    if (info.isDirectory()) checked.push({ path, directory: true, bytes: await folderBytes(path) });
    else if (info.isFile()) checked.push({ path, directory: false, bytes: info.size });
    else throw new PretrainedSourceError(source, "is neither a file nor a folder");
  }
  return checked;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** The manifest's record of the sources: files get their SHA-256 (streamed), folders their total size. */
export async function describeSources(sources: readonly CheckedSource[]): Promise<ModelSource[]> {
  const described: ModelSource[] = [];
  for (const source of sources) {
    if (source.directory) described.push({ path: source.path, bytes: source.bytes, directory: true });
    else described.push({ path: source.path, bytes: source.bytes, sha256: await sha256Of(source.path) });
  }
  return described;
}
