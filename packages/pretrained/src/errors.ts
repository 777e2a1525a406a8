import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/pretrained. */
export class PretrainedError extends AutosingError {
  static override readonly scope: string = "pretrained";
}

/**
 * A published file cannot be imported: `source` names the file, `key` the entry inside it
 * (a state-dict key, a config field) when there is one, `detail` what is wrong and how to fix it.
 * The CLI reports it as bad input (exit 4).
 */
export class PretrainedSourceError extends PretrainedError {
  constructor(
    readonly source: string,
    readonly detail: string,
    readonly key?: string,
  ) {
    super(key === undefined ? `${source}: ${detail}` : `${source}: ${key}: ${detail}`);
  }
}
