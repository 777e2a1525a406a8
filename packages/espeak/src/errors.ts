const MARKER = Symbol.for("autosing.espeak.error");

/** Base class of every error thrown by `@autosing/espeak`; test with `EspeakError.isInstance(e)`. */
export class EspeakError extends Error {
  readonly [MARKER] = true;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EspeakError";
  }

  /** True for errors from this package, also across duplicated copies of the module. */
  static isInstance(value: unknown): value is EspeakError {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[MARKER] === true;
  }
}

/** The eSpeak-NG Emscripten module could not be loaded or initialised. */
export class EspeakLoadError extends EspeakError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EspeakLoadError";
  }
}

/** An option is out of range or a voice name is unknown. */
export class EspeakOptionError extends EspeakError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    hint: string,
  ) {
    super(`invalid eSpeak option ${option}=${JSON.stringify(value)}: ${hint}`);
    this.name = "EspeakOptionError";
  }
}

/** eSpeak returned an error code or events that cannot be mapped to the input text. */
export class EspeakSynthesisError extends EspeakError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "EspeakSynthesisError";
  }
}
