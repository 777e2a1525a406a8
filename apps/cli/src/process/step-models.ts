/** The ONNX models and codecs behind `autosing process`'s steps, chosen by its flags. */
import { type ArtistEmbedder, openArtistEmbedderExport } from "@autosing/artist-embedder";
import type { AcousticCodec } from "@autosing/audio-codec";
import { OnnxFrameClassifier } from "@autosing/lrc-align";
import type { StepName } from "@autosing/processing";
import { loadSemanticTokenizer } from "@autosing/semantic-tokens";

import { CliError } from "../errors.js";
import { loadCodecFlag } from "../shared/codec-flag.js";
import type { ProcessFlags } from "./process-flags.js";

/** The models a step needs, opened once for all the partitions of a run and released at the end. */
export interface StepModels {
  classifier?: OnnxFrameClassifier;
  codec?: AcousticCodec;
  embedder?: ArtistEmbedder;
  tokenizer?: Awaited<ReturnType<typeof loadSemanticTokenizer>>;
}

/** Opens what `step` needs; a step that cannot run without a model says which flag gives it. */
export async function openModels(step: StepName, flags: ProcessFlags): Promise<StepModels> {
  const threads = flags.threads === undefined ? {} : { threads: flags.threads };
  const models: StepModels = {};
  if ((step === "align" || step === "vad_extract") && flags.fcModel !== undefined) models.classifier = await OnnxFrameClassifier.open(flags.fcModel, threads);
  if (step === "atoks") {
    if (flags.codec === undefined) {
      throw new CliError('autosing process atoks: pass --codec default:<codec.json|.safetensors> (fit one with "autosing codec fit") or snac:<dir with encoder.onnx, decoder.onnx>');
    }
    models.codec = await loadCodecFlag("process atoks", flags.codec, threads);
  }
  if (step === "stoks") {
    if (flags.tokenizer === undefined) throw new CliError("autosing process stoks: pass --tokenizer default:<tokenizer.json> or bn-whisper:<model.onnx>");
    models.tokenizer = await loadSemanticTokenizer(flags.tokenizer, threads);
  }
  if (step === "artist_embs" && flags.embedder !== undefined) models.embedder = await openArtistEmbedderExport(flags.embedder, threads);
  return models;
}

/** Releases every model {@link openModels} opened. */
export async function releaseModels(models: StepModels): Promise<void> {
  await models.classifier?.release();
  await models.codec?.dispose();
  await models.tokenizer?.dispose();
  await models.embedder?.release();
}
