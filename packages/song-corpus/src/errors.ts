import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/song-corpus` throws. `SongCorpusError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class SongCorpusError extends AutosingError {
  static override readonly scope: string = "song-corpus";
}

/** A corpus or song option is out of range. */
export class CorpusOptionError extends SongCorpusError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    hint: string,
  ) {
    super(`invalid song-corpus option ${option}=${JSON.stringify(value)}: ${hint}`);
  }
}

/** A song could not be rendered (the lyrics did not fit the song length, eSpeak gave no syllables...). */
export class SongRenderError extends SongCorpusError {
  constructor(
    readonly songId: string,
    detail: string,
  ) {
    super(`song ${songId}: ${detail}`);
  }
}

/** The output directory cannot be written. */
export class CorpusWriteError extends SongCorpusError {
  constructor(
    readonly path: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(`cannot write corpus file ${path}: ${detail}`, options);
  }
}
