/**
 * sm2a: semantic tokens (+ music tokens, artist embedding) → acoustic tokens. Port of the sm2a
 * task of upstream train.py (`make_model` and its dataset).
 */
import { DEFAULT_SM2A_TUNABLES, SM2A_SIZES, SM2ATrainableModel, loadSM2ACheckpoint, sm2aConfigForSize, sm2aDimensions, writeSM2AExport } from "@autosing/sm2a-model";
import type { SM2AConfig, SM2ATunables } from "@autosing/sm2a-model";
import { type SM2AHostBatch, type SM2ASample, collateSM2A, sm2aSample, splitSM2ABatch } from "@autosing/trainer";
import { z } from "zod";

import { CONSTRUCTED_DATASET_KEYS, firstBatch, openConstructedDataset } from "./constructed-dataset.js";
import { checkFrozenShape, frozenEmbeddingsArgument, readFrozenEmbeddings } from "./frozen-embeddings.js";
import { datasetPath, modelSize, notSupportedYet, tunablesOf } from "./option-schemas.js";
import { readSavedConfig, withLoadedWeights } from "./saved-model.js";
import { type PreparedTask, defineTrainingTask, loopTunables } from "./task.js";

const UNSUPPORTED = "sm2a frozen_acoustic_embeddings / base_model are not supported yet (user-supplied checkpoints with no loader yet)";

export const sm2aTask = defineTrainingTask({
  model: "sm2a",
  schemas: {
    taskArgs: z.strictObject({
      size: modelSize("sm2a", SM2A_SIZES),
      frozen_embeddings_model: frozenEmbeddingsArgument(),
      frozen_acoustic_embeddings: notSupportedYet(UNSUPPORTED),
      base_model: notSupportedYet(UNSUPPORTED),
    }),
    datasetConfig: z.strictObject({
      path: datasetPath("the constructed dataset folder"),
      ...CONSTRUCTED_DATASET_KEYS,
      multiscale: z.boolean().optional(),
      p_coarse: z.number().optional(),
      p_no_cond: z.number().optional(),
    }),
    tunables: tunablesOf<SM2ATunables>(DEFAULT_SM2A_TUNABLES),
  },
  defaultTunables: DEFAULT_SM2A_TUNABLES,
  hasDecoder: true,

  async prepare({ taskArgs, datasetConfig: dataset, tunables }, context): Promise<PreparedTask<SM2AHostBatch>> {
    const { path } = dataset;
    const options = {
      ...(dataset.multiscale !== undefined ? { multiscale: dataset.multiscale } : {}),
      ...(dataset.p_coarse !== undefined ? { pCoarse: dataset.p_coarse } : {}),
      ...(dataset.p_no_cond !== undefined ? { pNoCond: dataset.p_no_cond } : {}),
    };
    const { validation, train } = await openConstructedDataset(context, path, dataset, {
      columns: ["id", "atoks", "mtoks", "stoks", "embs"],
      map: (row, sampleContext) => sm2aSample(row, options, sampleContext),
      collate: collateSM2A,
      tokensPerSample: (s: SM2ASample) => s.atoksLength,
    });
    const frozen = await readFrozenEmbeddings(taskArgs.frozen_embeddings_model, context.log, "sm2a");
    let config: SM2AConfig;
    if (context.loadFrom) {
      config = (await readSavedConfig<SM2AConfig>(context.loadFrom, "sm2a")).config;
      if (frozen) checkFrozenShape(frozen, "sm2a", config.stoks_codes, sm2aDimensions(config, tunables).stoksWidth);
    } else {
      const first = await firstBatch(validation, path);
      // upstream make_model: ctx_n = atoks_len, stoks_len, mtoks_len, spk_width from the dataset.
      config = sm2aConfigForSize(taskArgs.size, {
        ctx_n: first.atoksLength,
        stoks_len: first.stoksLength,
        mtoks_len: first.mtoksLength,
        spk_width: first.artistEmbeddings.length / first.size,
        // upstream: stoks_codes = vq_codes + 1 and stoks_width = codebook_dim of BN-Whisper's codebook.
        ...(frozen ? { stoks_codes: frozen.codes, stoks_width: frozen.width } : {}),
      });
    }
    const fresh = new SM2ATrainableModel(config, tunables, { seed: context.seed }, { frozenSemanticEmbeddings: frozen !== undefined });
    const model = await withLoadedWeights(fresh, context.loadFrom);
    if (frozen) model.loadFrozenSemanticEmbeddings(frozen.data);
    const padCode = config.codes;
    return {
      model: model as unknown as PreparedTask<SM2AHostBatch>["model"],
      train,
      validation,
      tunables: loopTunables(tunables),
      // The loss is a per-stream mean over the targets that are not padding: each shard divides by the whole
      // batch's counts (splitSM2ABatch), so the shards add up to the batch exactly, padded multiscale windows included.
      replicas: {
        options: { model: "sm2a", config: model.config().config, tunables, frozenSemanticEmbeddings: frozen !== undefined },
        split: (batch, parts) => splitSM2ABatch(batch, parts, padCode),
      },
    };
  },

  exportModel: async (checkpoint, outDir, options) => writeSM2AExport(await loadSM2ACheckpoint(checkpoint), outDir, options),
});
