import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ImportedModel, ModelImporter } from "../src/index.js";

/** A fresh folder under the system's temporary directory. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `importer` on one source folder into `outputDir`, collecting its log lines. */
export async function runImporter(importer: ModelImporter, dir: string, outputDir: string): Promise<{ outputDir: string; model: ImportedModel; log: string[] }> {
  const log: string[] = [];
  const model = await importer.run([dir], {}, { outputDir, log: (line) => log.push(line) });
  return { outputDir, model, log };
}
