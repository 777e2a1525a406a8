/** Marker so errors survive duplicated module instances (STYLE.md: one base class, a stable marker). */
const semanticTokensErrorMarker = Symbol.for("autosing.semantic-tokens.error");

/** Base class of every failure raised by `@autosing/semantic-tokens`. */
export class SemanticTokensError extends Error {
  readonly [semanticTokensErrorMarker] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SemanticTokensError";
  }

  static isInstance(value: unknown): value is SemanticTokensError {
    return typeof value === "object" && value !== null && semanticTokensErrorMarker in value;
  }
}

/** Audio a tokenizer cannot take: empty, non-finite, or longer than one 30 s window. */
export class InvalidSemanticAudioError extends SemanticTokensError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = "InvalidSemanticAudioError";
  }
}

/** A user-supplied ONNX model whose inputs/outputs do not follow the BN-Whisper contract. */
export class SemanticModelContractError extends SemanticTokensError {
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(`${model}: not a BN-Whisper semantic tokenizer (${reason}); see the @autosing/semantic-tokens README for the contract`);
    this.name = "SemanticModelContractError";
  }
}

/** A default-tokenizer file that cannot be parsed, or a fit that has nothing to learn from. */
export class TokenizerFileError extends SemanticTokensError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = "TokenizerFileError";
  }
}
