/** The replica module of `replicas-bench.ts`: t2s or sm2a built from the coordinator's config (weights come from it). */
import { SM2ATrainableModel, type SM2AConfig, type SM2ATunables } from "@autosing/sm2a-model";
import { T2STrainableModel, type T2SConfig, type T2STunables } from "@autosing/t2s-model";

export type BenchReplicaOptions = { model: "t2s"; config: T2SConfig; tunables: T2STunables } | { model: "sm2a"; config: SM2AConfig; tunables: SM2ATunables };

export function createReplicaModel(options: BenchReplicaOptions): T2STrainableModel | SM2ATrainableModel {
  return options.model === "t2s" ? new T2STrainableModel(options.config, options.tunables, { seed: 0 }) : new SM2ATrainableModel(options.config, options.tunables, { seed: 0 });
}
