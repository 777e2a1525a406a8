import { AutosingError } from "@autosing/base";

/** Base class of every error thrown by @autosing/separation. */
export class SeparationError extends AutosingError {
  static override readonly scope: string = "separation";
}

/** A model file that does not follow the MDX-Net contract (DESIGN.md §5). */
export class SeparatorContractError extends SeparationError {
  constructor(
    readonly model: string,
    readonly reason: string,
  ) {
    super(`${model}: not an MDX-Net separator (f32 [B, 4, dim_f, dim_t] in → same shape out): ${reason}`);
  }
}

/**
 * A separator setting, spec or input out of range. The message names the `src_sep` option it
 * comes from (`autosing process src_sep --separator`, `--n-fft`, …), worded as when the
 * separators lived in @autosing/processing.
 */
export class SeparatorOptionError extends SeparationError {
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly reason: string,
  ) {
    super(`src_sep: option ${option} = ${JSON.stringify(value)}: ${reason}`);
  }
}

/** The truth oracle's `truth.parquet` is absent: the partition was not written by song-corpus. */
export class TruthStemsMissingError extends SeparationError {
  constructor(readonly file: string) {
    super(`src_sep (truth): input ${file} does not exist: the truth separator reads the true stems that "autosing corpus make" writes, so it works on synthetic datasets only; use --separator mdx:<model.onnx> for other data`);
  }
}

/** A chunk the truth oracle cannot place: an id that is not `<song>_at_<second>`, a song without truth, another sample rate. */
export class TruthChunkError extends SeparationError {}

/**
 * An imported RoFormer separator folder that cannot be used: `roformer.json` missing or not the
 * RoFormer contract, or a graph whose inputs and outputs are not `stft` → `masks`. Re-run
 * `autosing import separator` to rebuild the folder. Reported as a model problem, as the MDX one.
 */
export class RoformerModelError extends SeparatorContractError {
  constructor(model: string, reason: string) {
    super(model, reason);
    this.message = `${model}: not an imported RoFormer separator (${reason}); re-import it with "autosing import separator <model.ckpt> <config.yaml>"`;
  }
}
