/**
 * The `frozen_embeddings_model` task argument of t2s and sm2a: upstream's `make_model` loads
 * BN-Whisper (`bn_whisper.load_model("streich/bn_whisper")`), gives the model
 * `stoks_codes = vq_codes + 1` and `stoks_width = codebook_dim`, copies the codebook into the
 * semantic embedding and freezes it (`load_frozen_semantic_embeddings`). Here it names what
 * `autosing import bn-whisper` wrote: its semantic-embeddings.safetensors, its model folder, or a
 * models directory; `autosing train --models <dir>` fills it in.
 */
import { PretrainedSourceError, type SemanticEmbeddings, readSemanticEmbeddings } from "@autosing/pretrained";
import { z } from "zod";

/** The schema of the argument: a path, or null / absent for semantic embeddings trained from random values (demo default). */
export function frozenEmbeddingsArgument() {
  return z.string().min(1).nullable().optional().describe("a path: semantic-embeddings.safetensors, the BN-Whisper model folder or a models directory (autosing import bn-whisper)");
}

/** The embeddings the argument names, or undefined when it names none. */
export async function readFrozenEmbeddings(location: string | null | undefined, log: (line: string) => void, model: string): Promise<SemanticEmbeddings | undefined> {
  if (location === undefined || location === null) return undefined;
  const embeddings = await readSemanticEmbeddings(location);
  log(`${model}: frozen semantic embeddings [${embeddings.codes}, ${embeddings.width}] from ${embeddings.path} (not trained, as upstream)`);
  return embeddings;
}

/** The codebook must fill the model's semantic embedding exactly: [stoks_codes, stoks_width]. */
export function checkFrozenShape(embeddings: SemanticEmbeddings, model: string, codes: number, width: number): void {
  if (embeddings.codes === codes && embeddings.width === width) return;
  throw new PretrainedSourceError(
    embeddings.path,
    `has shape [${embeddings.codes}, ${embeddings.width}], but the ${model} model (its config from --load-from) has a semantic embedding of [stoks_codes, stoks_width] = [${codes}, ${width}]; train from scratch or with the BN-Whisper that model was trained with`,
    "embeddings",
  );
}
