// The artist embedding model (AutoSing Embedder): definition with upstream parameter names,
// TensorFlow.js forward/loss for training, ONNX export and inference of 256-d embeddings.
export {
  artistEmbedderConfig,
  artistEmbedderDimensions,
  AUTOSING_ARTIST_WINDOW_FRAMES,
  AUTOSING_ARTIST_WINDOWS,
  DEFAULT_ARTIST_EMBEDDER_CONFIG,
  DEFAULT_ARTIST_EMBEDDER_TUNABLES,
} from "./config.js";
export type { ArtistEmbedderConfig, ArtistEmbedderDimensions, ArtistEmbedderTunables } from "./config.js";
export { ArtistEmbedderConfigError, ArtistEmbedderError, ArtistEmbedderInputError } from "./errors.js";
export { artistAcousticShape, artistEmbedderParameterSpecs } from "./parameters.js";
export { ArtistEmbedderTfModel, labelSmoothedCrossEntropy } from "./tf-model.js";
export type { ArtistEmbedderForward, ArtistEmbedderLossResult } from "./tf-model.js";
export { ARTIST_EMBEDDER_CONFIG_SCHEMA, ARTIST_EMBEDDER_TUNABLES_SCHEMA, parseArtistEmbedderConfig, parseArtistEmbedderTunables } from "./config-schema.js";
export { ARTIST_EMBEDDER_MODEL } from "./model-definition.js";
export { loadArtistEmbedderCheckpoint, saveArtistEmbedderCheckpoint } from "./checkpoint.js";
export type { ArtistEmbedderCheckpoint } from "./checkpoint.js";
export { ARTIST_EMBEDDER_ONNX_NAMES, exportArtistEmbedderOnnx } from "./onnx-export.js";
export { ArtistEmbedder } from "./embed.js";
export type { ArtistEmbeddings, EmbedAudioTokensOptions } from "./embed.js";
export {
  ARTIST_EMBEDDER_EXPORT_CONFIG_FILE,
  ARTIST_EMBEDDER_EXPORT_LAYOUT,
  ARTIST_EMBEDDER_ONNX_FILE,
  openArtistEmbedderExport,
  writeArtistEmbedderExport,
} from "./export-files.js";
export { ArtistEmbedderTrainableModel } from "./trainable.js";
export type { ArtistEmbedderHostBatch } from "./trainable.js";
export { trainingWindows } from "./windows.js";
export type { TrainingWindow } from "./windows.js";
