// The dataset processing steps of DESIGN.md §1 over one partition of the Parquet layout:
// align → vad_extract → src_sep → atoks / stoks → artist_embs (port of autosing/processing.py).
export { align } from "./align.js";
export type { AlignStepOptions } from "./align.js";
export { vadExtract } from "./vad-extract.js";
export type { VadExtractOptions } from "./vad-extract.js";
// Chunk ids now live with the partition layout in @autosing/parquet-io; re-exported for compatibility.
export { chunkId, parseChunkId } from "@autosing/parquet-io";
export { srcSep } from "./src-sep.js";
export type { SrcSepOptions } from "./src-sep.js";
// The separators moved to @autosing/separation and the tokenizer loader to @autosing/semantic-tokens
// (GPL-free homes that sing imports, docs/decisions/0005-layer-order.md); re-exported for compatibility.
export { MDX_SAMPLE_RATE, SeparatorContractError, createTruthSeparator, loadMdxOnnxSeparator, loadSeparator } from "@autosing/separation";
export type { MdxOnnxOptions, SeparatedStems, SourceSeparator } from "@autosing/separation";
export { loadSemanticTokenizer } from "@autosing/semantic-tokens";
export { atoks, ATOKS_SOURCES } from "./atoks.js";
export type { AtoksOptions, AtoksSource } from "./atoks.js";
export { stoks } from "./stoks.js";
export type { StoksOptions } from "./stoks.js";
export { artistEmbs, HOW_TO_GET_AN_ARTIST_EMBEDDER } from "./artist-embs.js";
export type { ArtistEmbsOptions } from "./artist-embs.js";
export { missingPartitions, stepOutputTables } from "./missing.js";
export type { StepOutputOptions } from "./missing.js";
export { openStepModels, releaseStepModels, runStepOnPartition } from "./run-step.js";
export type { OpenStepModelsOptions, RunStepOptions, StepModelSpecs, StepModels, StepSettings } from "./run-step.js";
export { STEPS } from "./step.js";
export type { CommonStepOptions, RowFailure, StepName, StepProgress, StepResult } from "./step.js";
export { DEFAULT_STEP_AUDIO_FORMAT, STEP_AUDIO_FORMATS } from "./audio-format.js";
export type { StepAudioFormat } from "./audio-format.js";
export { AllRowsFailedError, MissingInputError, ModelRequiredError, ProcessingError, RowInputError, StepOptionError, StrictRowFailuresError } from "./errors.js";
export { DEFAULT_SONG_LIMITS, RowLimitError } from "./limits.js";
export type { SongLimits } from "./limits.js";
export { codecTableName } from "./model-specs.js";
