import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/t2s-model. */
export class T2SModelError extends AutosingError {
  static override readonly scope: string = "t2s-model";
}

/** A config or tunables value is missing or invalid. */
export class T2SConfigError extends T2SModelError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`t2s config ${field} = ${JSON.stringify(value)}: ${detail}`);
  }
}

/** Inputs to forward/generate have the wrong shape or values. */
export class T2SInputError extends T2SModelError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`t2s input ${input}: ${detail}`);
  }
}
