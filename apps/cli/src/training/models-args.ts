/** What `autosing train --models <dir>` takes from a models directory: the frozen semantic embeddings of t2s and sm2a. */
import { ModelsDirectory } from "../shared/models-flag.js";
import type { TrainingRequest } from "./run-training.js";

/**
 * The request with `frozen_embeddings_model` filled from the directory's BN-Whisper model, for
 * t2s and sm2a when `--task_args` does not set it (a value there, even null, wins).
 */
export async function withModelsDirectoryArgs(request: TrainingRequest, dir: string | undefined, say: (line: string) => void): Promise<TrainingRequest> {
  if (dir === undefined || (request.task !== "t2s" && request.task !== "sm2a")) return request;
  const taskArgs = { ...(request.taskArgs as Record<string, unknown> | undefined) };
  if (Object.hasOwn(taskArgs, "frozen_embeddings_model")) return request;
  const models = await ModelsDirectory.open("train", dir, say);
  const value = models.value(
    { need: "semanticEmbeddings", flag: "frozen_embeddings_model", withoutIt: "the semantic embeddings are trained from random values (not upstream's frozen BN-Whisper codebook)" },
    undefined,
  );
  if (value === undefined) return request;
  return { ...request, taskArgs: { ...taskArgs, frozen_embeddings_model: value } as TrainingRequest["taskArgs"] };
}
