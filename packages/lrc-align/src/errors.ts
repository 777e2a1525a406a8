import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/lrc-align` throws. `LrcAlignError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class LrcAlignError extends AutosingError {
  static override readonly scope: string = "lrc-align";
}

/** A line of an LRC file that has a time stamp but cannot be read. */
export class LrcParseError extends LrcAlignError {
  constructor(
    readonly lineNumber: number,
    readonly line: string,
    readonly reason: string,
  ) {
    super(`LRC line ${lineNumber}: ${reason}: ${JSON.stringify(line)}`);
  }
}

/** Lyrics in which no word can be turned into phones (empty, or only punctuation/symbols). */
export class NoPronounceableWordsError extends LrcAlignError {
  constructor(readonly text: string) {
    super(`lyrics contain no pronounceable word: ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}`);
  }
}

/** A word the dictionary lacks and the fallback could not pronounce either. */
export class UnpronounceableWordError extends LrcAlignError {
  constructor(readonly word: string) {
    super(`no pronunciation for word ${JSON.stringify(word)} (not in the CMU dictionary and the fallback gave nothing)`);
  }
}

/** Bad arguments to `forcedAlign` (shape, blank in the targets, ids out of range). */
export class ForcedAlignInputError extends LrcAlignError {}

/**
 * Upstream's `AlignException`: more tokens than the emission can hold even with the frames
 * repeated ×2 and ×4 (text longer than the audio can hold).
 */
export class AlignTooManyTokensError extends LrcAlignError {
  constructor(
    readonly tokens: number,
    readonly frames: number,
  ) {
    super(`too many tokens (${tokens}) for emission (length ${frames}), even with frames repeated ×4`);
  }
}

/** A frame-classifier model whose inputs or outputs do not follow the charsiu contract. */
export class ModelContractError extends LrcAlignError {}

/** Audio that is empty or silent where singing is needed. */
export class SilentAudioError extends LrcAlignError {}

/** An alignment record whose arrays disagree (lengths, counts that do not add up). */
export class InvalidAlignmentError extends LrcAlignError {}
