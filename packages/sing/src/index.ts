// The autosing inference pipeline (port of autosing/sing.py): reference song + two lyric lines
// → separation → music tokens, artist embedding, semantic tokens → acoustic tokens → mix.
export { sing } from "./sing.js";
export type { SingResult, SingRunModels } from "./sing.js";
export { lyricLines, resolveSingOptions, SING_DEFAULTS, SING_OUTPUT_EXTENSIONS, SING_OUTPUT_FORMATS } from "./options.js";
export type { ResolvedSingOptions, SingOptions, SingOutputFormat } from "./options.js";
export { SING_STAGES } from "./progress.js";
export type { SingProgress, SingStage } from "./progress.js";
export { DECODE_BLOCK_FRAMES, generateAcoustic, planAcoustic } from "./acoustic.js";
export type { AcousticPlan } from "./acoustic.js";
export { ARTIST_WINDOWS, artistEmbedding, blendEmbeddings } from "./embedding.js";
export { encodeMusic, MAX_MUSIC_FRAMES, tokenRows } from "./music.js";
export type { MusicTokens } from "./music.js";
export { checkLyricsFit, extractSemantic, generateSemantic, SEMANTIC_TOKENS } from "./semantic.js";
export { checkOutputDirectory } from "./output-dir.js";
export { decodeMixAndWrite, mixOver } from "./mix.js";
export { loadSingModels } from "./models.js";
export type { SingModelPaths, SingModels } from "./models.js";
export { openSeparator, prepareReference, referenceSpanSeconds, referenceStem } from "./reference.js";
export type { ReferenceStems } from "./reference.js";
export { SingError, SingInputError, SingModelError, SingModelPathError, SingOptionError, SingOutputError } from "./errors.js";
