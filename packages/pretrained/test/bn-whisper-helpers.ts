import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { ImportContext, ImportedModel } from "../src/index.js";
import { BN_WHISPER_IMPORTER } from "../src/index.js";

/** The golden fixtures of scripts/golden/bn_whisper.py. */
export const BN_WHISPER_FIXTURES = join(import.meta.dirname, "__fixtures__", "bn-whisper");
export const RVQ_COPY = join(BN_WHISPER_FIXTURES, "rvq.safetensors");
export const WHISPER_COPY = join(BN_WHISPER_FIXTURES, "whisper.safetensors");
/** The second bottleneck: downsample_conv, no mask_embs, no rope, no codebook projections. */
export const RVQ_CONV_COPY = join(BN_WHISPER_FIXTURES, "rvq-conv.safetensors");

export async function fixtureBytes(name: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(BN_WHISPER_FIXTURES, name)));
}

/** A fresh scratch folder, removed by the returned cleanup. */
export async function scratchFolder(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "bn-whisper-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the importer into `outputDir`, collecting its log lines. */
export async function runImport(sources: readonly string[], outputDir: string): Promise<{ imported: ImportedModel; log: string[] }> {
  const log: string[] = [];
  const context: ImportContext = { outputDir, log: (line) => log.push(line) };
  const imported = await BN_WHISPER_IMPORTER.run(sources, {}, context);
  return { imported, log };
}

/** Share of positions where two token sequences agree (lengths must match). */
export function agreement(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>): number {
  if (a.length !== b.length) throw new Error(`token counts differ: ${a.length} vs ${b.length}`);
  let same = 0;
  for (let i = 0; i < a.length; i++) if (Number(a[i]) === Number(b[i])) same++;
  return same / a.length;
}
