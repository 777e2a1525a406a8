import { type InferenceSession, type SessionOptions, float32Tensor, openOnnxSession } from "@autosing/onnx";

import { ModelContractError, SilentAudioError } from "./errors.js";
import type { Emission } from "./forced-align.js";
import { type ModelVocabulary, charsiuVocabulary, readLabelsBeside, vocabularyFromLabels } from "./frame-classifier-labels.js";
import { NUM_PHONE_CLASSES } from "./phone-set.js";

/** The frame classifier's input rate (DESIGN.md §5). */
export const FRAME_CLASSIFIER_SAMPLE_RATE = 16000;
/** Upstream feeds the model 30 s at a time. */
export const FRAME_CLASSIFIER_CHUNK_SECONDS = 30;

/** Log-probabilities of a whole song and the timing needed to turn frames into seconds. */
export interface EmissionResult {
  readonly emission: Emission;
  /** Seconds per frame, upstream's `frame_length = samples / (sample_rate · frames)`. */
  readonly frameDuration: number;
  /** Upstream's `round(frames / seconds)` (≈100 for charsiu). */
  readonly frameRate: number;
  /** Duration of the audio the emission covers, seconds. */
  readonly duration: number;
}

export interface FrameClassifierOptions extends SessionOptions {
  /**
   * The model's class names in output order. Default: the `labels.json` beside a model given by
   * path (what `autosing import frame-classifier` writes, from config.json's vocabulary or
   * `id2label`), else the 42-class charsiu contract.
   */
  readonly labels?: readonly string[];
  /** Classes the model must output when no labels are known (default 42, the charsiu phone set). */
  readonly classes?: number;
}

/** The class axis of the output when the graph fixes it. */
function outputWidth(session: InferenceSession, outputName: string): number | undefined {
  const index = session.outputNames.indexOf(outputName);
  const meta = session.outputMetadata[index];
  if (meta === undefined || !meta.isTensor) return undefined;
  const last = meta.shape.length === 3 ? meta.shape[2] : undefined;
  return typeof last === "number" && last > 0 ? last : undefined;
}

/** Log-softmax of each row, in place (float64 accumulation). */
function logSoftmaxRows(data: Float32Array, classes: number): void {
  for (let row = 0; row < data.length; row += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, data[row + c] ?? -Infinity);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp((data[row + c] ?? 0) - max);
    const logSum = max + Math.log(sum);
    for (let c = 0; c < classes; c++) data[row + c] = (data[row + c] ?? 0) - logSum;
  }
}

/**
 * A charsiu-style wav2vec2 phoneme frame classifier in ONNX (DESIGN.md §5): 16 kHz mono float32
 * `[1, N]` in, logits `[1, frames, classes]` out. The model's vocabulary (its labels) may order
 * or extend the charsiu phone set as it likes; emissions always come out in the charsiu order
 * (42 classes, `[SIL]` = 0 acting as the CTC blank), which is what G2P tokens index.
 */
export class OnnxFrameClassifier {
  private constructor(
    private readonly session: InferenceSession,
    private readonly inputName: string,
    private readonly outputName: string,
    private readonly vocabulary: ModelVocabulary,
  ) {}

  /** Classes the model outputs (its labels' count). */
  get classes(): number {
    return this.vocabulary.labels.length;
  }

  /** The model's class names in its output order. */
  get labels(): readonly string[] {
    return this.vocabulary.labels;
  }

  /**
   * Opens a model file or bytes; checks it has one float input and a logits output, and reads
   * its vocabulary (`options.labels`, else `labels.json` beside the file, else charsiu's 42).
   */
  static async open(model: string | Uint8Array, options: FrameClassifierOptions = {}): Promise<OnnxFrameClassifier> {
    const vocabulary =
      options.labels !== undefined
        ? vocabularyFromLabels(options.labels, "the labels option")
        : ((typeof model === "string" ? await readLabelsBeside(model) : undefined) ?? charsiuVocabulary(options.classes ?? NUM_PHONE_CLASSES));
    const session = await openOnnxSession(model, options);
    const inputName = session.inputNames[0];
    const outputName = session.outputNames.includes("logits") ? "logits" : session.outputNames[0];
    if (inputName === undefined || outputName === undefined || session.inputNames.length !== 1) {
      await session.release();
      throw new ModelContractError(
        `frame classifier must have one input (16 kHz audio [1, N]) and a logits output; got inputs [${session.inputNames.join(", ")}], outputs [${session.outputNames.join(", ")}]`,
      );
    }
    const classifier = new OnnxFrameClassifier(session, inputName, outputName, vocabulary);
    // A fixed class axis in the graph is checked now, so a labels file that does not match the
    // model fails when it is opened, not after the first 30 s of audio.
    const width = outputWidth(session, outputName);
    if (width !== undefined && width !== vocabulary.labels.length) {
      await session.release();
      throw classifier.widthError(`[1, frames, ${width}] (declared in the graph)`);
    }
    return classifier;
  }

  private widthError(got: string): ModelContractError {
    const source =
      this.vocabulary.source === undefined
        ? ""
        : ` (${this.vocabulary.labels.length} labels in ${this.vocabulary.source}; re-import the model with \`autosing import frame-classifier\` so its labels match, or remove that file to use the ${NUM_PHONE_CLASSES}-class charsiu contract)`;
    return new ModelContractError(`frame classifier output ${this.outputName} must be float32 [1, frames, ${this.classes}]${source}, got ${got}`);
  }

  /** Logits → log-probabilities for one chunk of 16 kHz audio. */
  private async runChunk(chunk: Float32Array): Promise<{ data: Float32Array; frames: number }> {
    const outputs = await this.session.run({ [this.inputName]: float32Tensor(chunk, [1, chunk.length]) });
    const logits = outputs[this.outputName];
    if (logits === undefined) throw new ModelContractError(`frame classifier produced no output named ${this.outputName}`);
    const dims = logits.dims;
    if (logits.type !== "float32" || dims.length !== 3 || dims[0] !== 1 || dims[2] !== this.classes) {
      throw this.widthError(`${logits.type} [${dims.join(", ")}]`);
    }
    const data = Float32Array.from(logits.data as Float32Array);
    logSoftmaxRows(data, this.classes);
    const frames = dims[1] ?? 0;
    return { data: this.vocabulary.toCharsiu(data, frames), frames };
  }

  /**
   * Port of autosing/alignment.py: compute_emission (after decoding/resampling): the audio is split
   * as `torch.chunk(waveform, ceil(N / 30 s))` splits it (equal chunks of ceil(N / count) samples,
   * the last shorter), each chunk classified and log-softmaxed, the frames concatenated.
   */
  async computeEmission(samples: Float32Array): Promise<EmissionResult> {
    const n = samples.length;
    if (n === 0) throw new SilentAudioError("audio for the frame classifier is empty (0 samples)");
    const chunkCount = Math.ceil(n / (FRAME_CLASSIFIER_CHUNK_SECONDS * FRAME_CLASSIFIER_SAMPLE_RATE));
    const chunkSize = Math.ceil(n / chunkCount);
    const parts: Float32Array[] = [];
    let frames = 0;
    for (let start = 0; start < n; start += chunkSize) {
      const part = await this.runChunk(samples.subarray(start, Math.min(n, start + chunkSize)));
      parts.push(part.data);
      frames += part.frames;
    }
    if (frames === 0) throw new ModelContractError(`frame classifier returned 0 frames for ${n} samples`);
    const data = new Float32Array(frames * NUM_PHONE_CLASSES);
    let offset = 0;
    for (const part of parts) {
      data.set(part, offset);
      offset += part.length;
    }
    const duration = n / FRAME_CLASSIFIER_SAMPLE_RATE;
    return {
      emission: { data, frames, classes: NUM_PHONE_CLASSES },
      frameDuration: n / (FRAME_CLASSIFIER_SAMPLE_RATE * frames),
      frameRate: Math.round(frames / duration),
      duration,
    };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
