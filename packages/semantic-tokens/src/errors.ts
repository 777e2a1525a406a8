import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/semantic-tokens` throws. `SemanticTokensError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class SemanticTokensError extends AutosingError {
  static override readonly scope: string = "semantic-tokens";
}

/** Audio a tokenizer cannot take: empty, non-finite, or longer than one 30 s window. */
export class InvalidSemanticAudioError extends SemanticTokensError {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
  }
}

/** A user-supplied ONNX model whose inputs/outputs do not follow the BN-Whisper contract. */
export class SemanticModelContractError extends SemanticTokensError {
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(`${model}: not a BN-Whisper semantic tokenizer (${reason}); see the @autosing/semantic-tokens README for the contract`);
  }
}

/** A default-tokenizer file that cannot be parsed, or a fit that has nothing to learn from. */
export class TokenizerFileError extends SemanticTokensError {
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${file}: ${reason}`);
  }
}
