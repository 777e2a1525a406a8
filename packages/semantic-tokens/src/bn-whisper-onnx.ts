import { WHISPER_N_MELS } from "@autosing/audio-codec";
import type { InferenceSession } from "@autosing/onnx";
import { OnnxModelFileError, float32Tensor, openOnnxSession } from "@autosing/onnx";

import { SemanticModelContractError } from "./errors.js";
import type { SemanticTokenizer } from "./tokenizer.js";
import { SEMANTIC_NUM_CODES, SEMANTIC_SAMPLE_RATE, SEMANTIC_TOKENS_PER_SECOND, validateSemanticAudio } from "./tokenizer.js";
import { WHISPER_INPUT_FRAMES, whisperEncoderInput } from "./whisper-input.js";

/** Tokens the contract's output holds per 3000-frame input: 3000 / 2 (encoder) / 2 (downsample). */
export const BN_WHISPER_OUTPUT_TOKENS = 750;

export interface BnWhisperOnnxOptions {
  threads?: number;
  /** Name reported by the tokenizer (defaults to `bn-whisper-onnx`). */
  name?: string;
}

/**
 * The BN-Whisper ONNX adapter (DESIGN.md §5): the model takes one float input, the Whisper
 * log-mel `[B, 80, 3000]`, and returns one integer output `[B, 750]` of codes in [0, 2048).
 * Like WhisperSpeech's `encode_mel` with `mask_embs`, only the tokens covering real audio are
 * kept: `floor(validFrames / 2 / 2)`.
 */
export async function loadBnWhisperOnnx(model: string | Uint8Array, options: BnWhisperOnnxOptions = {}): Promise<SemanticTokenizer> {
  const label = typeof model === "string" ? model : "BN-Whisper model bytes";
  let session: InferenceSession;
  try {
    session = await openOnnxSession(model, options.threads === undefined ? {} : { threads: options.threads });
  } catch (error) {
    // A missing or unreadable path is the file system's failure, not the model's: keep its errno.
    if (OnnxModelFileError.isInstance(error)) throw error;
    throw new SemanticModelContractError(label, `onnxruntime could not load it: ${(error as Error).message}`);
  }
  if (session.inputNames.length !== 1 || session.outputNames.length !== 1) {
    await session.release();
    throw new SemanticModelContractError(
      label,
      `expected one input (log-mel) and one output (tokens), found inputs [${session.inputNames.join(", ")}] and outputs [${session.outputNames.join(", ")}]`,
    );
  }
  const inputName = session.inputNames[0]!;
  const outputName = session.outputNames[0]!;
  return {
    name: options.name ?? "bn-whisper-onnx",
    sampleRate: SEMANTIC_SAMPLE_RATE,
    tokensPerSecond: SEMANTIC_TOKENS_PER_SECOND,
    numCodes: SEMANTIC_NUM_CODES,
    async encode(audio16k) {
      validateSemanticAudio(audio16k);
      const { mel, validFrames } = whisperEncoderInput(audio16k);
      const outputs = await session.run({ [inputName]: float32Tensor(mel, [1, WHISPER_N_MELS, WHISPER_INPUT_FRAMES]) });
      const tokens = outputs[outputName];
      if (tokens === undefined || tokens.dims.length !== 2 || tokens.dims[0] !== 1 || tokens.dims[1] !== BN_WHISPER_OUTPUT_TOKENS) {
        throw new SemanticModelContractError(label, `output ${outputName} has shape [${tokens?.dims.join(", ") ?? ""}], expected [1, ${BN_WHISPER_OUTPUT_TOKENS}]`);
      }
      if (tokens.type !== "int64" && tokens.type !== "int32") {
        throw new SemanticModelContractError(label, `output ${outputName} is ${tokens.type}, expected int64 codes`);
      }
      const keep = Math.floor(Math.floor(validFrames / 2) / 2);
      const data = tokens.data as BigInt64Array | Int32Array;
      const out = new Int32Array(keep);
      for (let i = 0; i < keep; i++) {
        const code = Number(data[i]!);
        if (!(code >= 0 && code < SEMANTIC_NUM_CODES)) {
          throw new SemanticModelContractError(label, `token ${i} is ${code}, outside [0, ${SEMANTIC_NUM_CODES})`);
        }
        out[i] = code;
      }
      return out;
    },
    async dispose() {
      await session.release();
    },
  };
}
