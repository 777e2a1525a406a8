export { AutosingError, errorLineage } from "./errors.js";
export { type AtomicFile, openAtomicFile, temporaryPathFor, temporaryHostName, writeFileAtomic } from "./atomic-file.js";
export { type StaleTemporaryOptions, removeStaleTemporaries } from "./stale-temporaries.js";
export { writeDirectoryAtomic } from "./atomic-directory.js";
export { cleanUpAfterInterrupt, whenInterrupted } from "./live-temporaries.js";
export {
  Mulberry32,
  Xoshiro128,
  type Xoshiro128State,
  hashNumberKeys,
  hashStringKey,
  mulberry32,
  shuffleInPlace,
  splitmix32,
} from "./random.js";
