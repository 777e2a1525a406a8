/**
 * t2s: lyrics (text tokens) → semantic tokens. Port of the t2s task of upstream train.py
 * (`make_model(size, frozen_embeddings_model, tunables, dataset, base_model)` and its dataset).
 */
import { DEFAULT_T2S_TUNABLES, T2S_SIZES, T2STrainableModel, loadT2SCheckpoint, t2sConfigForSize, t2sDimensions, writeT2SExport } from "@autosing/t2s-model";
import type { T2SConfig, T2STunables } from "@autosing/t2s-model";
import { type SampleContext, type T2SHostBatch, type T2SSample, T2STextSourceCounts, collateT2S, splitRowMajorBatch, t2sSample, t2sTextLength } from "@autosing/trainer";
import { z } from "zod";

import { CONSTRUCTED_DATASET_KEYS, firstBatch, openConstructedDataset } from "./constructed-dataset.js";
import { checkFrozenShape, frozenEmbeddingsArgument, readFrozenEmbeddings } from "./frozen-embeddings.js";
import { datasetPath, modelSize, notSupportedYet, tunablesOf } from "./option-schemas.js";
import { readSavedConfig, withLoadedWeights } from "./saved-model.js";
import { checkT2SText } from "./t2s-text-check.js";
import { type PreparedTask, defineTrainingTask, loopTunables } from "./task.js";

const UNSUPPORTED = "t2s base_model is not supported yet (WhisperSpeech base checkpoints have no loader yet)";

export const t2sTask = defineTrainingTask({
  model: "t2s",
  schemas: {
    taskArgs: z.strictObject({
      size: modelSize("t2s", T2S_SIZES),
      frozen_embeddings_model: frozenEmbeddingsArgument(),
      base_model: notSupportedYet(UNSUPPORTED),
    }),
    datasetConfig: z.strictObject({
      path: datasetPath("the constructed dataset folder"),
      ...CONSTRUCTED_DATASET_KEYS,
      min_inlier_ratio: z.number().optional(),
      mask_finegrained: z.number().optional(),
    }),
    tunables: tunablesOf<T2STunables>(DEFAULT_T2S_TUNABLES),
  },
  defaultTunables: DEFAULT_T2S_TUNABLES,
  hasDecoder: true,

  async prepare({ taskArgs, datasetConfig: dataset, tunables }, context): Promise<PreparedTask<T2SHostBatch>> {
    const { path } = dataset;
    const ttoksLength = t2sTextLength(path);
    const textSources = new T2STextSourceCounts();
    const map = (row: Parameters<typeof t2sSample>[0], sample: SampleContext) =>
      t2sSample(row, {
        ttoksLength,
        // Counted for the training partitions only (0 is validation).
        ...(sample.partition !== 0 ? { textSources } : {}),
        ...(dataset.min_inlier_ratio !== undefined ? { minInlierRatio: dataset.min_inlier_ratio } : {}),
        ...(dataset.mask_finegrained !== undefined ? { maskFinegrained: dataset.mask_finegrained } : {}),
      });
    const { validation, train } = await openConstructedDataset(context, path, dataset, {
      // upstream reads every column, so a `text` column (when a dataset has one) is the fallback before the placeholder.
      columns: ["id", "atoks", "mtoks", "stoks", "alignment", "text"],
      map,
      collate: collateT2S,
      tokensPerSample: (s: T2SSample) => s.inStoks.length,
    });
    await checkT2SText(path, dataset, context);

    const frozen = await readFrozenEmbeddings(taskArgs.frozen_embeddings_model, context.log, "t2s");
    let config: T2SConfig;
    if (context.loadFrom) {
      config = (await readSavedConfig<T2SConfig>(context.loadFrom, "t2s")).config;
      if (frozen) checkFrozenShape(frozen, "t2s", config.stoks_codes, t2sDimensions(config, tunables).stoksWidth);
    } else {
      // upstream reads stoks_len / mtoks_len / quantizers off the dataset's first sample, and the
      // semantic vocabulary and width off BN-Whisper's codebook (vq_codes + 1 rows, codebook_dim).
      const first = await firstBatch(validation, path);
      const semantic = frozen ? { stoks_codes: frozen.codes, stoks_width: frozen.width } : {};
      config = t2sConfigForSize(taskArgs.size, { ttoks_len: ttoksLength, stoks_len: first.stoksLength, mtoks_len: first.mtoksLength, ...semantic });
    }
    const fresh = new T2STrainableModel(config, tunables, { seed: context.seed }, { frozenSemanticEmbeddings: frozen !== undefined });
    const model = await withLoadedWeights(fresh, context.loadFrom);
    if (frozen) model.loadFrozenSemanticEmbeddings(frozen.data);
    return {
      model: model as unknown as PreparedTask<T2SHostBatch>["model"],
      train,
      validation,
      tunables: loopTunables(tunables),
      // t2s rows are row-major and of one length within a batch; the shards weigh by their rows.
      replicas: { options: { model: "t2s", config: model.config().config, tunables, frozenSemanticEmbeddings: frozen !== undefined }, split: (batch, parts) => splitRowMajorBatch(batch, parts, "size") },
      textSources,
    };
  },

  exportModel: async (checkpoint, outDir, options) => writeT2SExport(await loadT2SCheckpoint(checkpoint), outDir, options),
});
