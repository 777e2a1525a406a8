/**
 * artist_emb: the artist embedder. Port of autosing/artist_embeddings.py: load_dataset +
 * make_model — windows of the vocals' acoustic tokens labelled from the artist file;
 * `num_classes` is the artist file's size and `ctx_n` the window length (upstream reads it off
 * the first sample, which is `chunk_size`).
 */
import {
  AUTOSING_ARTIST_WINDOW_FRAMES,
  ArtistEmbedderTrainableModel,
  DEFAULT_ARTIST_EMBEDDER_CONFIG,
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  artistEmbedderConfig,
  loadArtistEmbedderCheckpoint,
  trainingWindows,
  writeArtistEmbedderExport,
} from "@autosing/artist-embedder";
import type { ArtistEmbedderConfig, ArtistEmbedderTunables } from "@autosing/artist-embedder";
import { type ArtistEmbHostBatch, ArtistEmbeddingDataset, readArtistFile } from "@autosing/trainer";
import { z } from "zod";

import { CliError } from "../errors.js";
import { ExitCode } from "../exit-code.js";
import { partitionOptions } from "./constructed-dataset.js";
import { datasetPath, positiveInteger, requiredString, tunablesOf } from "./option-schemas.js";
import { readSavedConfig, withLoadedWeights } from "./saved-model.js";
import { type PreparedTask, defineTrainingTask, loopTunables } from "./task.js";

/** Embedder keyword arguments that upstream make_model passes through from --task_args. */
const ARTIST_EMB_TASK_ARGS = ["depth", "n_head", "head_width", "ffn_mult", "emb_width", "quantizers", "codes", "finetune"] as const;

export const artistEmbTask = defineTrainingTask({
  model: "artist_emb",
  schemas: {
    taskArgs: z.strictObject({
      depth: positiveInteger(),
      n_head: positiveInteger(),
      head_width: positiveInteger(),
      ffn_mult: positiveInteger(),
      emb_width: positiveInteger(),
      quantizers: positiveInteger(),
      codes: positiveInteger(),
      finetune: z.boolean().optional(),
    }),
    datasetConfig: z.strictObject({
      path: datasetPath("the dataset folder with atoks_vocals_snac_32khz and chunked tables"),
      // upstream load_dataset raises the same way.
      artist_file: requiredString('--dataset-config needs "artist_file" for artist_embeddings; make one with `autosing train artists <dataset> --min-sample-count N`'),
      chunk_size: z.number().optional(),
      num_partitions: z.number().optional(),
      // Accepted and unused, as upstream's EmbeddingDataset does (the artist file decides).
      min_song_count: z.unknown().optional(),
      shufbuf_size: z.number().optional(),
      // The `atoks_vocals_<codec>` table to read (default snac_32khz, as upstream).
      codec: z.string().optional(),
    }),
    tunables: tunablesOf<ArtistEmbedderTunables>(DEFAULT_ARTIST_EMBEDDER_TUNABLES),
  },
  defaultTunables: DEFAULT_ARTIST_EMBEDDER_TUNABLES,
  hasDecoder: false,

  async prepare({ taskArgs, datasetConfig: dataset, tunables }, context): Promise<PreparedTask<ArtistEmbHostBatch>> {
    const overrides: Partial<Omit<ArtistEmbedderConfig, "num_classes" | "ctx_n">> = {};
    for (const key of ARTIST_EMB_TASK_ARGS) {
      const value = taskArgs[key];
      if (value === undefined) continue;
      (overrides as Record<string, number | boolean>)[key] = value;
    }
    const { path } = dataset;
    // upstream's chunk_size has no working default; AutoSing's embedder windows are 832 frames.
    const chunkSize = dataset.chunk_size ?? AUTOSING_ARTIST_WINDOW_FRAMES;
    const artists = await readArtistFile(dataset.artist_file);
    const open = (split: "train" | "val") =>
      ArtistEmbeddingDataset.open({
        path,
        split,
        artists,
        chunkSize,
        windows: trainingWindows,
        batchSize: context.batchSize,
        seed: context.seed,
        ...(context.runShuffleBufferSize !== undefined ? { runShuffleBufferSize: context.runShuffleBufferSize } : {}),
        ...partitionOptions(dataset),
        ...(dataset.codec ? { codec: dataset.codec } : {}),
        log: context.log,
      });
    const validation = await open("val");
    const train = await open("train");
    const numClasses = Object.keys(artists).length;
    let config: ArtistEmbedderConfig;
    if (context.loadFrom) {
      // upstream load_model rebuilds the Embedder from the saved config.
      config = { ...DEFAULT_ARTIST_EMBEDDER_CONFIG, ...(await readSavedConfig<ArtistEmbedderConfig>(context.loadFrom, "artist_emb")).config };
      if (config.num_classes !== numClasses || config.ctx_n !== chunkSize) {
        throw new CliError(
          `autosing train: --load-from ${context.loadFrom} has ${config.num_classes} classes over ${config.ctx_n}-frame windows; the artist file has ${numClasses} artists and chunk_size is ${chunkSize}`,
          ExitCode.modelProblem,
        );
      }
    } else {
      config = artistEmbedderConfig(numClasses, { ...overrides, ctx_n: chunkSize });
    }
    const model = await withLoadedWeights(new ArtistEmbedderTrainableModel(config, tunables, { seed: context.seed }), context.loadFrom);
    return {
      model: model as unknown as PreparedTask<ArtistEmbHostBatch>["model"],
      train,
      validation,
      tunables: loopTunables(tunables),
    };
  },

  // The embedder exports one graph (tokens → embeddings): no decoder, no decoder weights.
  exportModel: async (checkpoint, outDir) => writeArtistEmbedderExport(await loadArtistEmbedderCheckpoint(checkpoint), outDir),
});
