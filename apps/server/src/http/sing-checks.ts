/**
 * What `POST /api/sing` checks with the heavy libraries (decoding audio, the lyrics rule, the
 * models directory, a dataset row). The route loads this module on its first submission, so the
 * server starts without paying for them (`import()` of @autosing/pretrained, @autosing/sing and
 * @autosing/audio-codec costs seconds on a small machine).
 */
import { decodeAudio } from "@autosing/audio-codec";
import type { ResolvedModels } from "@autosing/pretrained";
import { lyricLines } from "@autosing/sing";

import { readRowAudio } from "../datasets/row-audio.js";
import { resolveServerModels, separatorOf, singNetworks } from "../jobs/sing-models.js";

export { readRowAudio };

/** True when the audio decodes; otherwise the decoder's reason. */
export async function decodeProblem(bytes: Uint8Array, source: string): Promise<string | undefined> {
  try {
    await decodeAudio(bytes, { source });
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Undefined when the lyrics are two non-empty lines; otherwise why not. */
export function lyricsProblem(lyrics: string): string | undefined {
  try {
    lyricLines(lyrics);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The models directory when it holds every sing network, with its separator spec (if any); throws naming what is missing. */
export async function singModelsOf(modelsDir: string | undefined): Promise<{ models: ResolvedModels; separator: string | undefined }> {
  const models = await resolveServerModels(modelsDir);
  singNetworks(models);
  return { models, separator: separatorOf(models) };
}
