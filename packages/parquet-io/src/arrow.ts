// `@autosing/parquet-io/arrow`: the Arrow bridge, apart from the main entry so that reading and
// writing Parquet never loads apache-arrow.
export {
  ARROW_ALIGNMENT_TYPE,
  type ArrowBridgeOptions,
  type ArrowColumn,
  type ArrowColumnType,
  arrowTypeOf,
  rowsToArrowIpc,
  rowsToArrowTable,
} from "./arrow-bridge.js";
export { ArrowRowError } from "./errors.js";
