/** The default codec and semantic tokenizer, fitted on the demo's corpus (or reused from an earlier run). */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

import { type AcousticCodec, createDefaultCodec, fitDefaultCodec, loadCodec, resample, serializeDefaultCodec } from "@autosing/audio-codec";
import { type SemanticTokenizer, createDefaultTokenizer, fitDefaultTokenizer, loadDefaultTokenizer, serializeDefaultTokenizer } from "@autosing/semantic-tokens";

import { partitionAudio } from "./corpus-tables.js";
import { CODEBOOK_SIZE, SEMANTIC_CODES } from "./layout.js";

/** The default codec fitted on the chunks' mixes (as `autosing codec fit`), or the one fitted by an earlier run. */
export async function demoCodec(dataset: string, file: string, seed: number): Promise<{ codec: AcousticCodec; fitted: boolean }> {
  if (!existsSync(file)) {
    const model = await fitDefaultCodec(await partitionAudio(dataset, "chunked"), { config: { codebookSize: CODEBOOK_SIZE }, iterations: 3, seed, search: "js", maxTrainingVectors: 4000 });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, await serializeDefaultCodec(model, "json"));
    return { codec: createDefaultCodec(model), fitted: true };
  }
  return { codec: await loadCodec(`default:${file}`), fitted: false };
}

/** The default semantic tokenizer fitted on the vocals at 16 kHz, or the one fitted by an earlier run. */
export async function demoTokenizer(dataset: string, file: string, seed: number): Promise<{ tokenizer: SemanticTokenizer; fitted: boolean }> {
  if (!existsSync(file)) {
    const clips = await Promise.all((await partitionAudio(dataset, "vocals")).map((clip) => resample(clip, 32000, 16000)));
    const model = fitDefaultTokenizer(clips, { codes: SEMANTIC_CODES, iterations: 3, seed });
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, serializeDefaultTokenizer(model));
    return { tokenizer: createDefaultTokenizer(model), fitted: true };
  }
  return { tokenizer: await loadDefaultTokenizer(file), fitted: false };
}
