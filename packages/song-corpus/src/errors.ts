const MARKER = Symbol.for("autosing.song-corpus.error");

/** Base class of every error thrown by `@autosing/song-corpus`; test with `SongCorpusError.isInstance(e)`. */
export class SongCorpusError extends Error {
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SongCorpusError";
  }

  static isInstance(value: unknown): value is SongCorpusError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** A corpus or song option is out of range. */
export class CorpusOptionError extends SongCorpusError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    hint: string,
  ) {
    super(`invalid song-corpus option ${option}=${JSON.stringify(value)}: ${hint}`);
    this.name = "CorpusOptionError";
  }
}

/** A song could not be rendered (the lyrics did not fit the song length, eSpeak gave no syllables...). */
export class SongRenderError extends SongCorpusError {
  constructor(
    readonly songId: string,
    detail: string,
  ) {
    super(`song ${songId}: ${detail}`);
    this.name = "SongRenderError";
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
    this.name = "CorpusWriteError";
  }
}
