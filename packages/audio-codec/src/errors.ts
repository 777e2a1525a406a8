import { AutosingError } from "@autosing/base";

/**
 * Base class of every error `@autosing/audio-codec` throws. `AudioCodecError.isInstance(e)` is true for any of them,
 * `<Subclass>.isInstance(e)` only for that kind; both work across copies of the package
 * (`AutosingError` of `@autosing/base` keeps the lineage).
 */
export class AudioCodecError extends AutosingError {
  static override readonly scope: string = "audio-codec";
}

/** Bytes whose container/codec we do not recognise (no RIFF/fLaC/OggS/ID3/MPEG sync header). */
export class UnknownAudioFormatError extends AudioCodecError {
  constructor(
    readonly source: string,
    readonly magic: string,
  ) {
    super(
      `${source}: unknown audio format (first bytes ${magic}); supported: WAV, FLAC, MP3, Ogg Vorbis, Ogg Opus`,
    );
  }
}

/** Bytes of a known format that cannot be decoded: truncated, corrupt, or an unsupported variant. */
export class CorruptAudioError extends AudioCodecError {
  constructor(
    readonly source: string,
    readonly format: string,
    /** What is wrong, without the source and format (for callers that re-report it under another source). */
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: corrupt or truncated ${format}: ${detail}`, options);
  }
}

/** Audio with no samples, where a computation needs at least one (or at least a given number). */
export class EmptyAudioError extends AudioCodecError {
  constructor(
    readonly source: string,
    message = "audio has zero samples",
  ) {
    super(`${source}: ${message}`);
  }
}

/** A NaN or infinite sample, reported with its channel and index so the producer can be found. */
export class NonFiniteSampleError extends AudioCodecError {
  constructor(
    readonly source: string,
    readonly channel: number,
    readonly index: number,
    readonly value: number,
  ) {
    super(`${source}: sample ${index} of channel ${channel} is ${value}; audio must be finite`);
  }
}

/** A parameter outside what the operation accepts (sample rate, FFT size, channel index...). */
export class InvalidAudioParameterError extends AudioCodecError {
  constructor(
    readonly parameter: string,
    readonly value: unknown,
    message: string,
  ) {
    super(`${parameter} = ${String(value)}: ${message}`);
  }
}

/** A token tensor whose shape does not fit the layout (wrong rank, wrong number of levels, T not aligned). */
export class TokenShapeError extends AudioCodecError {
  constructor(
    readonly operation: string,
    readonly shape: readonly number[],
    message: string,
  ) {
    super(`${operation}: tokens of shape [${shape.join(", ")}] ${message}`);
  }
}

/** A token value outside [0, numCodes) (or the pad/mask codes where they are allowed). */
export class TokenRangeError extends AudioCodecError {
  constructor(
    readonly operation: string,
    readonly index: number,
    readonly value: number,
    readonly numCodes: number,
  ) {
    super(`${operation}: token ${index} has value ${value}, outside [0, ${numCodes})`);
  }
}

/** A codec file or model directory that cannot be loaded (missing, wrong contract, bad content). */
export class CodecLoadError extends AudioCodecError {
  constructor(
    readonly source: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${source}: ${message}`, options);
  }
}

/** A codec spec string that names no codec (`default:<file>` or `snac:<dir>` expected): the caller's typo. */
export class CodecSpecError extends CodecLoadError {}

/** A codec file or folder that cannot be read (missing, not allowed, a folder): the path is the problem, not the codec. */
export class CodecFileError extends CodecLoadError {}
