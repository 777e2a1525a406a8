/** The ONNX models and codecs behind `autosing process`'s steps, chosen by its flags (opened by @autosing/processing). */
import { CodecSpecError } from "@autosing/audio-codec";
import { type StepModelSpecs, type StepModels, type StepName, openStepModels } from "@autosing/processing";

import { CliError } from "../errors.js";
import { FlagError } from "../shared/flag-error.js";
import { mdxSettingsFromFlags } from "../shared/mdx-flags.js";
import type { ProcessFlags } from "./process-flags.js";

export type { StepModels };
export { releaseStepModels as releaseModels } from "@autosing/processing";

/** The step's model specs as the flags give them. */
export function stepModelSpecs(flags: ProcessFlags): StepModelSpecs {
  return {
    ...(flags.fcModel === undefined ? {} : { classifier: flags.fcModel }),
    ...(flags.separator === undefined ? {} : { separator: flags.separator }),
    ...(flags.codec === undefined ? {} : { codec: flags.codec }),
    ...(flags.tokenizer === undefined ? {} : { tokenizer: flags.tokenizer }),
    ...(flags.embedder === undefined ? {} : { embedder: flags.embedder }),
  };
}

/** Opens what `step` needs; a step that cannot run without a model says which flag gives it. */
export async function openModels(step: StepName, flags: ProcessFlags): Promise<StepModels> {
  if (step === "src_sep" && flags.separator === undefined) {
    throw new CliError("autosing process src_sep: pass --separator mdx:<model.onnx> (an MDX-Net ONNX file) or --separator truth (the song-corpus oracle)");
  }
  if (step === "atoks" && flags.codec === undefined) {
    throw new CliError('autosing process atoks: pass --codec default:<codec.json|.safetensors> (fit one with "autosing codec fit") or snac:<dir with encoder.onnx, decoder.onnx>');
  }
  if (step === "stoks" && flags.tokenizer === undefined) throw new CliError("autosing process stoks: pass --tokenizer default:<tokenizer.json> or bn-whisper:<model.onnx>");
  try {
    return await openStepModels(step, stepModelSpecs(flags), {
      ...(flags.threads === undefined ? {} : { threads: flags.threads }),
      ...(step === "src_sep" ? { mdx: mdxSettingsFromFlags(flags, "process src_sep") } : {}),
    });
  } catch (error) {
    // A codec spec that names no codec is the flag's typo (a usage error), as loadCodecFlag says it.
    if (CodecSpecError.isInstance(error)) throw new FlagError(`autosing process ${step}: --codec ${error.message}`);
    throw error;
  }
}
