import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { writeFileAtomic } from "@autosing/base";

import { checkedTensors } from "../bn-whisper/source-files.js";
import { lazyStateDict } from "../bn-whisper/lazy-weights.js";
import { PretrainedSourceError } from "../errors.js";
import type { ImportContext, ImportedModel, ModelImporter } from "../importer.js";
import { openUpstreamFile } from "../upstream-file.js";
import { type Wav2Vec2Config, parseWav2Vec2Config, samplesPerFrame } from "./config.js";
import { FRAME_CLASSIFIER_INPUT, FRAME_CLASSIFIER_OUTPUT, emitFrameClassifierGraph } from "./graph.js";
import { type FrameHead, WAV2VEC2_PREFIX, detectLayout, headClasses, wav2vec2Shapes } from "./parameters.js";

const MASKED_SPEC_EMBED = `${WAV2VEC2_PREFIX}masked_spec_embed`;

/** Weights files a Hugging Face wav2vec2 directory may hold, in the order they are looked for. */
export const FRAME_CLASSIFIER_WEIGHT_FILES = ["pytorch_model.bin", "model.safetensors"] as const;

/** What the importer writes. */
export const FRAME_CLASSIFIER_FILES = { model: "model.onnx", labels: "labels.json", facts: "frame-classifier.json" } as const;

const EXTERNAL_DATA_THRESHOLD = 16 * 1024;
const SAMPLE_RATE = 16000;

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new PretrainedSourceError(path, `cannot be read (${(error as Error).message}); ${what}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new PretrainedSourceError(path, `is not JSON (${(error as Error).message})`);
  }
}

/**
 * The class names, index → label: for `lm_head` the tokenizer's `vocab.json` beside the config
 * when there is one (token → id), else `id2label` when it has one entry per class; for
 * `classifier` `id2label`. Undefined when the directory names no classes.
 */
async function classLabels(dir: string, config: Wav2Vec2Config, head: FrameHead): Promise<string[] | undefined> {
  const classes = headClasses(config, head);
  const vocabPath = join(dir, "vocab.json");
  if (head === "lm_head" && existsSync(vocabPath)) {
    const vocab = await readJson(vocabPath, "the tokenizer vocabulary");
    if (typeof vocab !== "object" || vocab === null || Array.isArray(vocab)) throw new PretrainedSourceError(vocabPath, "is not an object of token → id");
    const labels: string[] = [];
    for (const [token, id] of Object.entries(vocab as Record<string, unknown>)) {
      if (typeof id !== "number" || !Number.isInteger(id) || id < 0 || id >= classes) {
        throw new PretrainedSourceError(vocabPath, `id ${JSON.stringify(id)} is outside the head's ${classes} classes (config.json vocab_size)`, token);
      }
      labels[id] = token;
    }
    return Array.from({ length: classes }, (_, i) => labels[i] ?? `<${i}>`);
  }
  return config.id2label?.length === classes ? [...config.id2label] : undefined;
}

/**
 * A Hugging Face state dict holds tensors only: any other pickled object (which the restricted
 * unpickler kept as an inert `{ $global }` marker, never calling it) is refused by its key.
 */
function refuseObjects(path: string, root: unknown): void {
  if (typeof root !== "object" || root === null || Array.isArray(root)) return;
  for (const [key, value] of Object.entries(root)) {
    if (typeof value === "object" && value !== null && "$global" in value) {
      const name = String((value as { $global: unknown }).$global);
      throw new PretrainedSourceError(path, `is a pickled ${name} object, not a tensor; a wav2vec2 state dict holds tensors only (the file is corrupt or hostile; it was not run)`, key);
    }
  }
}

async function importFrameClassifier(sources: readonly string[], context: ImportContext): Promise<ImportedModel> {
  if (sources.length !== 1) {
    throw new PretrainedSourceError(sources.join(" ") || "(no source)", `frame-classifier takes one directory (config.json + ${FRAME_CLASSIFIER_WEIGHT_FILES.join(" or ")}), got ${sources.length} sources`);
  }
  const dir = sources[0]!;
  const configPath = join(dir, "config.json");
  const config = parseWav2Vec2Config(await readJson(configPath, `a wav2vec2 directory holds config.json and ${FRAME_CLASSIFIER_WEIGHT_FILES.join(" or ")}`), configPath);
  const weightsPath = FRAME_CLASSIFIER_WEIGHT_FILES.map((f) => join(dir, f)).find((f) => existsSync(f));
  if (weightsPath === undefined) throw new PretrainedSourceError(dir, `holds no wav2vec2 weights (looked for ${FRAME_CLASSIFIER_WEIGHT_FILES.join(", ")})`);
  const file = await openUpstreamFile(weightsPath);
  try {
    refuseObjects(file.path, file.root);
    const { head, weightNorm } = detectLayout(file.tensors.keys());
    // SpecAugment's masked_spec_embed never takes part in inference, and checkpoints keep it or not
    // regardless of their config (from_pretrained only warns): accepted either way, never read.
    const expected = new Map(wav2vec2Shapes(config, head, weightNorm));
    expected.delete(MASKED_SPEC_EMBED);
    const tensors = checkedTensors(file, "", expected, `${configPath} (is it the config of these weights?)`, [MASKED_SPEC_EMBED]);
    const classes = headClasses(config, head);
    const labels = await classLabels(dir, config, head);
    const frameRate = SAMPLE_RATE / samplesPerFrame(config);
    const variant = `${config.feat_extract_norm}-norm features, ${config.do_stable_layer_norm ? "pre" : "post"}-LN`;
    context.log(`frame-classifier: ${weightsPath}: wav2vec2 ${config.num_hidden_layers} × ${config.hidden_size} (${variant}), ${head} → ${classes} classes, ${frameRate} frames/s`);
    const graph = emitFrameClassifierGraph({ config, head, weightNorm, weights: lazyStateDict([{ tensors }]) });
    const written = await graph.writeModel(join(context.outputDir, FRAME_CLASSIFIER_FILES.model), {
      producerName: "@autosing/pretrained",
      externalData: { thresholdBytes: EXTERNAL_DATA_THRESHOLD },
    });
    const details = {
      sampleRate: SAMPLE_RATE,
      frameRate,
      samplesPerFrame: samplesPerFrame(config),
      chunkSeconds: 30,
      classes,
      head,
      labels: labels ?? null,
      input: { name: FRAME_CLASSIFIER_INPUT, shape: ["batch", "samples"] },
      output: { name: FRAME_CLASSIFIER_OUTPUT, shape: ["batch", "frames", classes], values: "log-probabilities" },
    };
    await writeFileAtomic(join(context.outputDir, FRAME_CLASSIFIER_FILES.labels), `${JSON.stringify(labels ?? Array.from({ length: classes }, (_, i) => String(i)))}\n`);
    await writeFileAtomic(join(context.outputDir, FRAME_CLASSIFIER_FILES.facts), `${JSON.stringify({ ...details, config }, null, 2)}\n`);
    context.log(`frame-classifier: wrote ${FRAME_CLASSIFIER_FILES.model} (${((written.modelBytes + written.dataBytes) / 2 ** 20).toFixed(1)} MiB), ${FRAME_CLASSIFIER_FILES.labels}, ${FRAME_CLASSIFIER_FILES.facts}`);
    const roles: Record<string, string> = { model: FRAME_CLASSIFIER_FILES.model };
    if (written.dataPath !== undefined) roles.modelData = `${FRAME_CLASSIFIER_FILES.model}.data`;
    return { files: { ...roles, labels: FRAME_CLASSIFIER_FILES.labels, facts: FRAME_CLASSIFIER_FILES.facts }, details };
  } finally {
    file.close();
  }
}

/** `autosing import frame-classifier <dir>`: a Hugging Face wav2vec2 frame classifier as the frame-classifier ONNX contract. */
export const FRAME_CLASSIFIER_IMPORTER: ModelImporter = {
  kind: "frame-classifier",
  summary:
    "wav2vec2 phoneme frame classifier (streich/singing_va, charsiu en_w2v2_fc_10ms: Wav2Vec2ForCTC / Wav2Vec2ForAudioFrameClassification) → frame-classifier ONNX for --fc-model",
  sources: "<dir with config.json + pytorch_model.bin (or model.safetensors)>",
  options: [],
  run: (sources, _options, context) => importFrameClassifier(sources, context),
};
