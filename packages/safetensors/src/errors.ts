import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/safetensors. */
export class SafetensorsError extends AutosingError {
  static override readonly scope: string = "safetensors";
}

/** A safetensors file is malformed or uses a dtype we cannot read; `detail` says what is wrong. */
export class SafetensorsFormatError extends SafetensorsError {
  constructor(
    readonly source: string,
    readonly detail: string,
  ) {
    super(`${source}: ${detail}`);
  }
}
