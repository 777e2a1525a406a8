/**
 * The training tasks, in one table: `autosing train --task_name <name>` and `autosing demo` run
 * them through {@link runTraining}, `autosing export` exports their models.
 */
import { artistEmbTask } from "./artist-emb-task.js";
import { sm2aTask } from "./sm2a-task.js";
import { t2sTask } from "./t2s-task.js";
import type { ModelKind } from "./task.js";

/** Each model kind's task. */
export const TRAINING_TASKS = { t2s: t2sTask, sm2a: sm2aTask, artist_emb: artistEmbTask } as const satisfies Record<ModelKind, unknown>;

/**
 * The names `--task_name` accepts, in the order messages list them: the upstream task modules
 * (`importlib.import_module("autosing." + task_name)`) and `artist_emb`, the embedder's model
 * name as `autosing export` knows it, an alias of `artist_embeddings`.
 */
export const TASK_NAMES = ["t2s", "sm2a", "artist_embeddings", "artist_emb"] as const;
export type TaskName = (typeof TASK_NAMES)[number];

/** The model kind a task name trains. */
export type ModelOf<Name extends TaskName> = Name extends "artist_embeddings" ? "artist_emb" : Exclude<Name, "artist_embeddings">;

export function isTaskName(name: string): name is TaskName {
  return (TASK_NAMES as readonly string[]).includes(name);
}

export function isModelKind(name: string): name is ModelKind {
  return Object.hasOwn(TRAINING_TASKS, name);
}

/** The task a name trains. */
export function trainingTask<Name extends TaskName>(name: Name): (typeof TRAINING_TASKS)[ModelOf<Name>] {
  return TRAINING_TASKS[(name === "artist_embeddings" ? "artist_emb" : name) as ModelOf<Name>];
}
