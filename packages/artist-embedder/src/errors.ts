const marker = Symbol.for("autosing.artist-embedder.error");

/** Base class of every error thrown by @autosing/artist-embedder; `isInstance` works across package copies. */
export class ArtistEmbedderError extends Error {
  private readonly [marker] = true;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ArtistEmbedderError";
  }

  static isInstance(value: unknown): value is ArtistEmbedderError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

/** A config or tunables value is missing or invalid. */
export class ArtistEmbedderConfigError extends ArtistEmbedderError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`artist embedder config ${field} = ${JSON.stringify(value)}: ${detail}`);
    this.name = "ArtistEmbedderConfigError";
  }
}

/** Tokens, labels or batches given to the model have the wrong shape or values. */
export class ArtistEmbedderInputError extends ArtistEmbedderError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`artist embedder input ${input}: ${detail}`);
    this.name = "ArtistEmbedderInputError";
  }
}
