export {
  type AlignmentInit,
  type AlignmentRecord,
  type AlignmentSpans,
  type NumberArrayLike,
  alignmentCover,
  alignmentLineSpans,
  alignmentWordSpans,
  makeAlignment,
  numpyPairwiseSum,
  sliceAlignment,
  validateAlignment,
} from "./alignment.js";
export { chunkId, parseChunkId } from "./chunk-id.js";
export {
  type ConstructDatasetOptions,
  type ConstructDatasetResult,
  type ConstructProgress,
  type PartitionFailure,
  constructDataset,
} from "./construct-dataset.js";
export { ConstructOptionError, EarlierRunError, OutputFolderError, TooFewRowsError } from "./construct-errors.js";
export { loadPartitionRows } from "./load-partition-rows.js";
export { HALF_ACOUSTIC_FRAMES, HALF_SEMANTIC_TOKENS, MIN_HALF_COVER, SplitShapeError, splitRow } from "./split-row.js";
export {
  AlignmentShapeError,
  ArrowRowError,
  ColumnTypeError,
  DatasetFolderError,
  DatasetLayoutError,
  MissingColumnError,
  ParquetFileError,
  ParquetIoError,
  WriterStateError,
} from "./errors.js";
export { type JoinSource, type JoinedRow, firstById, joinById } from "./join.js";
export {
  type DatasetInfo,
  type PartitionInfo,
  type StepFileInfo,
  assertDatasetFolder,
  datasetInfo,
  listPartitions,
  missing,
  stepPath,
} from "./layout.js";
export { type ReadOptions, TableReader, openTable, readTable } from "./reader.js";
export { type ColumnDef, type ColumnType, type TableSchema, defineColumn, defineTable } from "./schema.js";
export {
  type AlignmentRow,
  type ArtistEmbsRow,
  type AudioRow,
  type ChunkedRow,
  type IndexRow,
  type MainRow,
  type TokensRow,
  alignmentTable,
  artistEmbsTable,
  atoksTable,
  chunkedTable,
  indexTable,
  mainTable,
  stemTable,
  stepTableByName,
  stoksTable,
} from "./step-tables.js";
export { type WriterOptions, TableWriter, createTableWriter, writeTable } from "./writer.js";
