import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/sm2a-model. */
export class SM2AModelError extends AutosingError {
  static override readonly scope: string = "sm2a-model";
}

/** A config or tunables value is missing or invalid. */
export class SM2AConfigError extends SM2AModelError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    detail: string,
  ) {
    super(`sm2a config ${field} = ${JSON.stringify(value)}: ${detail}`);
  }
}

/** Inputs to forward/generate have the wrong shape or values. */
export class SM2AInputError extends SM2AModelError {
  constructor(
    readonly input: string,
    detail: string,
  ) {
    super(`sm2a input ${input}: ${detail}`);
  }
}
