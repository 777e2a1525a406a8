import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/artist-embedder; `isInstance` works across package copies. */
export class ArtistEmbedderError extends AutosingError {
  static override readonly scope: string = "artist-embedder";
}

/** A config or tunables value is missing or invalid. */
export class ArtistEmbedderConfigError extends ArtistEmbedderError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`artist embedder config ${field} = ${JSON.stringify(value)}: ${detail}`);
  }
}

/** Tokens, labels or batches given to the model have the wrong shape or values. */
export class ArtistEmbedderInputError extends ArtistEmbedderError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`artist embedder input ${input}: ${detail}`);
  }
}
