import { loadBnWhisperOnnx } from "./bn-whisper-onnx.js";
import { loadDefaultTokenizer } from "./default-tokenizer.js";
import { SemanticTokensError } from "./errors.js";
import type { SemanticTokenizer } from "./tokenizer.js";

/**
 * A tokenizer spec of no known form. The message names the option it comes from
 * (`autosing process stoks --tokenizer`), worded as when the loader lived in @autosing/processing.
 */
export class TokenizerSpecError extends SemanticTokensError {
  constructor(
    readonly spec: string,
    readonly reason: string,
  ) {
    super(`stoks: option tokenizer = ${JSON.stringify(spec)}: ${reason}`);
  }
}

/**
 * Opens a semantic tokenizer from a spec, as `loadCodec` opens a codec: `default:<tokenizer.json>`
 * (the embedded default, fitted with `fitDefaultTokenizer`) or `bn-whisper:<model.onnx>` (the
 * BN-Whisper ONNX contract). Used by the `stoks` processing step and by `sing` when it extracts
 * semantic tokens.
 */
export async function loadSemanticTokenizer(spec: string, options: { threads?: number } = {}): Promise<SemanticTokenizer> {
  const colon = spec.indexOf(":");
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const target = colon < 0 ? "" : spec.slice(colon + 1);
  if (target === "") throw new TokenizerSpecError(spec, 'must be "default:<tokenizer.json>" or "bn-whisper:<model.onnx>"');
  if (kind === "default") return loadDefaultTokenizer(target);
  if (kind === "bn-whisper") return loadBnWhisperOnnx(target, options.threads === undefined ? {} : { threads: options.threads });
  throw new TokenizerSpecError(spec, `unknown tokenizer kind "${kind}" (expected "default" or "bn-whisper")`);
}
