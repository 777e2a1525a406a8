import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ImportContext, ImportedModel, ModelImporter } from "../src/index.js";

/** scripts/golden/upstream-checkpoints.py: files written by the upstream code, and its forward's outputs. */
export const fixtures = join(import.meta.dirname, "__fixtures__", "upstream-checkpoints");

export interface Golden {
  t2s: { inputs: { ttoks: number[]; languages: number[]; cps: number[]; mtoks: number[]; stoks: number[] }; shape: number[]; logits: number[] };
  sm2a: { inputs: { stoks: number[]; speakers: number[]; mtoks: number[]; atoks: number[] }; shape: number[]; logits: number[] };
  artist_emb: { inputs: { flattened: number[] }; shape: number[]; embedding: number[]; class_logits: number[] };
  pwned_marker: string;
}

export const golden = JSON.parse(readFileSync(join(fixtures, "golden.json"), "utf8")) as Golden;

/** Runs an importer into a fresh scratch folder, as the models directory would; returns the folder and the result. */
export async function runImport(
  importer: ModelImporter,
  file: string,
  options: Record<string, string> = {},
): Promise<{ outputDir: string; result: ImportedModel; log: string[] }> {
  const outputDir = mkdtempSync(join(tmpdir(), `import-${importer.kind}-`));
  const log: string[] = [];
  const context: ImportContext = { outputDir, log: (line) => log.push(line) };
  const result = await importer.run([join(fixtures, file)], options, context);
  return { outputDir, result, log };
}

/** Index of the largest value in each row of `width` values. */
export function argmaxRows(values: ArrayLike<number>, width: number): number[] {
  const out: number[] = [];
  for (let start = 0; start < values.length; start += width) {
    let best = start;
    for (let i = start; i < start + width; i++) if ((values[i] as number) > (values[best] as number)) best = i;
    out.push(best - start);
  }
  return out;
}
