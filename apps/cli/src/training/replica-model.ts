/**
 * The replica module of `autosing train --replicas N`: each worker thread imports it and builds
 * the task's model from the coordinator's config (`createReplicaModel`); the coordinator copies
 * the weights and the frozen embeddings in, so the seed here does not matter.
 */
import { SM2ATrainableModel } from "@autosing/sm2a-model";
import type { SM2AConfig, SM2ATunables } from "@autosing/sm2a-model";
import { T2STrainableModel } from "@autosing/t2s-model";
import type { T2SConfig, T2STunables } from "@autosing/t2s-model";

/** What a task hands its replicas: its saved config (`model.config()`) and whether the semantic embeddings are frozen. */
export type ReplicaModelOptions =
  | { model: "t2s"; config: T2SConfig; tunables: T2STunables; frozenSemanticEmbeddings: boolean }
  | { model: "sm2a"; config: SM2AConfig; tunables: SM2ATunables; frozenSemanticEmbeddings: boolean };

export function createReplicaModel(options: ReplicaModelOptions): T2STrainableModel | SM2ATrainableModel {
  const build = { frozenSemanticEmbeddings: options.frozenSemanticEmbeddings };
  return options.model === "t2s"
    ? new T2STrainableModel(options.config, options.tunables, { seed: 0 }, build)
    : new SM2ATrainableModel(options.config, options.tunables, { seed: 0 }, build);
}

/** The file URL of this module as a worker imports it (the TypeScript source when run from it, as in tests). */
export function replicaModelModule(): string {
  return import.meta.url;
}
