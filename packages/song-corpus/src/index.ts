export { type Arrangement, renderAccompaniment } from "./accompaniment.js";
export { ARTISTS, type Artist } from "./artists.js";
export { CorpusOptionError, CorpusWriteError, SongCorpusError, SongRenderError } from "./errors.js";
export { type LyricLine, cmuSyllables, computeVocabulary, drawLine, vocabulary } from "./lyrics.js";
export { renderVocabularyModule } from "./vocabulary-module.js";
export { type Key, type Mode, hzToMidi, keyName, midiToHz, noteName } from "./music.js";
export { type PitchOptions, type PitchTrack, medianPitch, trackPitch } from "./pitch.js";
export { type PitchMarks, type PsolaSegment, analysePitchMarks, renderPsola } from "./psola.js";
export {
  type LineTruth,
  MIN_SECONDS,
  type NoteTruth,
  type PhonemeTruth,
  type Song,
  type SongOptions,
  type WordTruth,
  renderSong,
  songId,
} from "./song.js";
export {
  type CorpusAudioFormat,
  type CorpusOptions,
  MAX_CORPUS_SECONDS,
  MAX_CORPUS_SONGS,
  type TruthRow,
  makeCorpus,
  partitionRange,
  songRows,
  truthTable,
} from "./corpus.js";
export { type TestCorpusOptions, makeTestCorpus, writeTestCorpus } from "./test-corpus.js";
