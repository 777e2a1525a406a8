import { PretrainedSourceError } from "../errors.js";
import type { BnWhisperConfig, WhisperDimensions } from "./config.js";

/** The BN-Whisper ONNX contract (DESIGN.md §5): 80 mel bins, 3000 frames in, 750 tokens out. */
export const BN_WHISPER_CONTRACT = { nMels: 80, frames: 3000, encoderFrames: 1500, downsample: 2, tokens: 750 } as const;

/**
 * Refuses, naming the file and field, a pair of files the contract cannot be built from: a
 * Whisper that does not take 80 × 3000 log-mels, a bottleneck whose width is not the encoder's
 * (the rvq.model was trained over a different Whisper), or one that does not give 750 tokens of
 * one code each with a cosine codebook.
 */
export function checkBnWhisperContract(rvqPath: string, whisperPath: string, config: BnWhisperConfig, dims: WhisperDimensions): void {
  const c = BN_WHISPER_CONTRACT;
  if (dims.n_mels !== c.nMels) throw new PretrainedSourceError(whisperPath, `is ${dims.n_mels}; the BN-Whisper contract takes ${c.nMels}-bin log-mels`, "dims.n_mels");
  if (dims.n_audio_ctx !== c.encoderFrames) {
    throw new PretrainedSourceError(whisperPath, `is ${dims.n_audio_ctx}; the contract's ${c.frames} mel frames need an encoder context of ${c.encoderFrames}`, "dims.n_audio_ctx");
  }
  const width = config.n_head * config.head_width;
  if (width !== dims.n_audio_state) {
    throw new PretrainedSourceError(
      rvqPath,
      `n_head × head_width = ${config.n_head} × ${config.head_width} = ${width} does not match ${whisperPath} dims.n_audio_state = ${dims.n_audio_state}: the two files do not belong together (BN-Whisper pairs its rvq.model with the whisper.pt published next to it)`,
      "config.n_head",
    );
  }
  if (config.downsample !== c.downsample) {
    throw new PretrainedSourceError(rvqPath, `is ${config.downsample}; the contract returns ${c.tokens} tokens per 30 s, which needs downsample ${c.downsample}`, "config.downsample");
  }
  if (config.q_depth !== 1) throw new PretrainedSourceError(rvqPath, `is ${config.q_depth}; the contract returns one code per token (q_depth 1)`, "config.q_depth");
  if (!config.use_cosine_sim) {
    throw new PretrainedSourceError(rvqPath, "is false; only the cosine-similarity codebook BN-Whisper uses is supported", "config.use_cosine_sim");
  }
}
