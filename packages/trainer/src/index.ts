export { AdamW, type AdamWOptions, type ParameterGroup, groupParameters } from "./adamw.js";
export { selectBackend } from "./backend.js";
export {
  MODEL_CONFIG_FILE,
  MODEL_WEIGHTS_FILE,
  OPTIMIZER_STATE_FILE,
  TRAINER_STATE_FILE,
  type TrainerState,
  loadCheckpoint,
  loadModelWeights,
  readTrainerState,
  saveCheckpoint,
  saveModel,
} from "./checkpoint.js";
export { clipByGlobalNorm, globalNorm } from "./clip.js";
export type {
  DatasetItem,
  JsonObject,
  JsonValue,
  LossOptions,
  LossResult,
  TrainableModel,
  TrainableParameter,
  TrainingDataset,
} from "./contract.js";
export {
  BackendOutOfMemoryError,
  BackendUnavailableError,
  CheckpointError,
  DatasetError,
  ModelContractError,
  ReplicaError,
  TrainerConfigError,
  TrainerError,
} from "./errors.js";
export { type TrainHyperparameters } from "./hyperparameters.js";
export { type BatchShard, type ReplicaContext, type ReplicaSpec, shardBounds, splitRowMajorBatch } from "./replicas/spec.js";
export { splitSM2ABatch } from "./tasks/sm2a-split.js";
export { type TrainOptions, type TrainResult, train } from "./loop.js";
export { type MetricsRecord } from "./metrics-log.js";
export { EtaClock, ProgressBar, type ProgressInfo, formatDuration, formatProgress } from "./progress.js";
export { readSafetensorsFile } from "./safetensors.js";
export { type EventFileOptions, type Scalar, TensorBoardEventFile, scalarsOfRecord } from "./tensorboard/event-file.js";
export { crc32c, maskedCrc32c } from "./tensorboard/crc32c.js";
export {
  DEFAULT_BETA1,
  DEFAULT_BETA2,
  LR_SCHEDULES,
  type LrScheduleName,
  type ScheduleOptions,
  type SchedulePoint,
  oneCycle,
  oneCyclePctStart,
  scheduleAt,
  validateSchedule,
} from "./schedule.js";
export { InMemoryDataset, type InMemoryDatasetOptions } from "./data/in-memory.js";
export {
  PartitionedDataset,
  type PartitionedDatasetOptions,
  type SampleContext,
  type SkippedRow,
} from "./data/partitioned.js";
export { RUN_SHUFFLE_BUFFER_SAMPLES, shuffleBuffer } from "./data/shuffle.js";
export { selectPartitions } from "./data/partition-files.js";
export {
  MAX_ACOUSTIC_FRAMES,
  SNAC_NUM_CODES,
  STOKS_PAD_TOKEN,
  type TrainingRow,
  denseLevels,
  trainingTable,
} from "./tasks/rows.js";
export {
  LANGUAGE_EN,
  T2S_PLACEHOLDER_TEXT,
  TEXT_END_OF_TEXT,
  type T2SDataOptions,
  type T2SHostBatch,
  type T2SSample,
  collateT2S,
  t2sSample,
  t2sText,
  t2sTextLength,
  t2sTextTokens,
} from "./tasks/t2s-data.js";
export {
  DEFAULT_MIN_INLIER_RATIO,
  type PlaceholderCause,
  type T2STextSource,
  T2STextSourceCounts,
  type T2STextSurveyOptions,
  surveyT2STextSources,
  t2sTextSource,
} from "./tasks/t2s-text-sources.js";
export {
  ARTIST_EMBEDDING_WIDTH,
  type SM2ADataOptions,
  type SM2AHostBatch,
  type SM2ASample,
  collateSM2A,
  sm2aSample,
} from "./tasks/sm2a-data.js";
export { type ArtistCounts, type CollectArtistsOptions, collectArtists } from "./tasks/artists.js";
export {
  ARTIST_EMB_DEFAULT_PARTITIONS,
  type ArtistEmbDataOptions,
  type ArtistEmbHostBatch,
  type ArtistEmbSample,
  type ArtistEmbWindow,
  type ArtistEmbWindowCutter,
  ArtistEmbeddingDataset,
  artistEmbRowSamples,
  collateArtistEmb,
  readArtistFile,
} from "./tasks/artist-emb-data.js";
