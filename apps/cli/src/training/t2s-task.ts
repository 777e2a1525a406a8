/**
 * t2s: lyrics (text tokens) → semantic tokens. Port of the t2s task of upstream train.py
 * (`make_model(size, frozen_embeddings_model, tunables, dataset, base_model)` and its dataset).
 */
import { DEFAULT_T2S_TUNABLES, T2S_SIZES, T2STrainableModel, loadT2SCheckpoint, t2sConfigForSize, writeT2SExport } from "@autosing/t2s-model";
import type { T2SConfig, T2STunables } from "@autosing/t2s-model";
import { type SampleContext, type T2SHostBatch, type T2SSample, T2STextSourceCounts, collateT2S, t2sSample, t2sTextLength } from "@autosing/trainer";
import { z } from "zod";

import { CONSTRUCTED_DATASET_KEYS, firstBatch, openConstructedDataset } from "./constructed-dataset.js";
import { datasetPath, modelSize, notSupportedYet, tunablesOf } from "./option-schemas.js";
import { readSavedConfig, withLoadedWeights } from "./saved-model.js";
import { checkT2SText } from "./t2s-text-check.js";
import { type PreparedTask, defineTrainingTask, loopTunables } from "./task.js";

const UNSUPPORTED =
  "t2s frozen_embeddings_model / base_model are not supported yet (the BN-Whisper codebook and WhisperSpeech base checkpoints are user-supplied files with no loader yet)";

export const t2sTask = defineTrainingTask({
  model: "t2s",
  schemas: {
    taskArgs: z.strictObject({
      size: modelSize("t2s", T2S_SIZES),
      frozen_embeddings_model: notSupportedYet(UNSUPPORTED),
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

    let config: T2SConfig;
    if (context.loadFrom) {
      config = (await readSavedConfig<T2SConfig>(context.loadFrom, "t2s")).config;
    } else {
      // upstream reads stoks_len / mtoks_len / quantizers off the dataset's first sample.
      const first = await firstBatch(validation, path);
      config = t2sConfigForSize(taskArgs.size, { ttoks_len: ttoksLength, stoks_len: first.stoksLength, mtoks_len: first.mtoksLength });
    }
    const model = await withLoadedWeights(new T2STrainableModel(config, tunables, { seed: context.seed }), context.loadFrom);
    return {
      model: model as unknown as PreparedTask<T2SHostBatch>["model"],
      train,
      validation,
      tunables: loopTunables(tunables),
      textSources,
    };
  },

  exportModel: async (checkpoint, outDir, options) => writeT2SExport(await loadT2SCheckpoint(checkpoint), outDir, options),
});
