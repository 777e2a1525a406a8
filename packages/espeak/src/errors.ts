import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/espeak` throws. `EspeakError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class EspeakError extends AutosingError {
  static override readonly scope: string = "espeak";
}

/** The eSpeak-NG Emscripten module could not be loaded or initialised. */
export class EspeakLoadError extends EspeakError {}

/** An option is out of range or a voice name is unknown. */
export class EspeakOptionError extends EspeakError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    hint: string,
  ) {
    super(`invalid eSpeak option ${option}=${JSON.stringify(value)}: ${hint}`);
  }
}

/** eSpeak returned an error code or events that cannot be mapped to the input text. */
export class EspeakSynthesisError extends EspeakError {}
