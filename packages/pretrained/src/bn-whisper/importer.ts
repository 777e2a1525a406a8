import { join } from "node:path";

import { writeFileAtomic } from "@autosing/base";
import { writeSafetensors } from "@autosing/safetensors";

import { PretrainedSourceError } from "../errors.js";
import type { ImportContext, ImportedModel, ModelImporter } from "../importer.js";
import { type UpstreamFile, openUpstreamFile } from "../upstream-file.js";
import { codebookSize, readBnWhisperConfig, readBnWhisperTunables, readWhisperDimensions } from "./config.js";
import { BN_WHISPER_CONTRACT, checkBnWhisperContract } from "./contract.js";
import { BN_WHISPER_INPUT, BN_WHISPER_OUTPUT, BOTTLENECK_PREFIX, emitBnWhisperGraphBuilder } from "./graph.js";
import { lazyStateDict } from "./lazy-weights.js";
import { bnWhisperShapes, whisperEncoderShapes } from "./parameters.js";
import {
  type BnWhisperSourceKind,
  RVQ_EXPECTED,
  RVQ_STATE_DICT_PREFIX,
  WHISPER_EXPECTED,
  WHISPER_STATE_DICT_PREFIX,
  bnWhisperSourceKind,
  checkedTensors,
  describeUpstreamFile,
} from "./source-files.js";

/** File names the importer writes (relative to the import's output folder). */
/** Initializers of at least this many bytes are written to `model.onnx.data` (as SNAC's importer does). */
const EXTERNAL_DATA_THRESHOLD = 16 * 1024;

export const BN_WHISPER_FILES = {
  model: "model.onnx",
  config: "bn-whisper.json",
  semanticEmbeddings: "semantic-embeddings.safetensors",
} as const;

/** The tensor name in `semantic-embeddings.safetensors`: upstream `vqmodel.rq.layers[0]._codebook.embed[0]`. */
export const SEMANTIC_EMBEDDINGS_TENSOR = "embeddings";

/** Opens the two sources and tells them apart by content; closes what it opened when it throws. */
async function openSources(sources: readonly string[]): Promise<Record<BnWhisperSourceKind, UpstreamFile>> {
  if (sources.length !== 2) {
    throw new PretrainedSourceError(
      sources.length === 0 ? "bn-whisper" : sources.join(" "),
      `takes two files, rvq.model and whisper.pt (the streich/bn_whisper files, in either order); got ${sources.length}`,
    );
  }
  const opened: UpstreamFile[] = [];
  try {
    for (const source of sources) opened.push(await openUpstreamFile(source));
    const found: Partial<Record<BnWhisperSourceKind, UpstreamFile>> = {};
    for (const file of opened) {
      const kind = bnWhisperSourceKind(file);
      if (kind === undefined) throw new PretrainedSourceError(file.path, `is ${describeUpstreamFile(file)}; expected ${RVQ_EXPECTED} or ${WHISPER_EXPECTED}`);
      const other = found[kind];
      if (other !== undefined) {
        const missing = kind === "rvq" ? WHISPER_EXPECTED : RVQ_EXPECTED;
        throw new PretrainedSourceError(file.path, `is the same kind of file as ${other.path}; the other file must be ${missing}`);
      }
      found[kind] = file;
    }
    return found as Record<BnWhisperSourceKind, UpstreamFile>;
  } catch (error) {
    for (const file of opened) file.close();
    throw error;
  }
}

/**
 * Port of autosing/bn_whisper.py: BNWhisper.load_model (`rvq.model` + `whisper.pt`, the Whisper
 * loaded as whisper.load_model does) turned into the BN-Whisper ONNX contract. Everything is
 * checked before the first file is written: the config fields, the pair's agreement, every key
 * and shape. The decoder half of `whisper.pt` is neither checked nor read.
 */
async function importBnWhisper(sources: readonly string[], _options: Readonly<Record<string, string | undefined>>, context: ImportContext): Promise<ImportedModel> {
  const files = await openSources(sources);
  try {
    const rvq = files.rvq;
    const whisper = files.whisper;
    const config = readBnWhisperConfig(rvq.path, rvq.root);
    const tunables = readBnWhisperTunables(rvq.path, rvq.root);
    const dims = readWhisperDimensions(whisper.path, whisper.root);
    checkBnWhisperContract(rvq.path, whisper.path, config, dims);
    const hint = "this config (is the config from the same training run as the weights?)";
    const bottleneck = checkedTensors(rvq, RVQ_STATE_DICT_PREFIX, bnWhisperShapes(config, tunables), hint);
    const encoder = checkedTensors(whisper, WHISPER_STATE_DICT_PREFIX, whisperEncoderShapes(dims), "these dims", ["decoder."]);
    context.log(`BN-Whisper: Whisper encoder ${dims.n_audio_layer} × ${dims.n_audio_state} (${dims.n_audio_head} heads) from ${whisper.path}, bottleneck ${config.vq_codes} codes × ${config.codebook_dim} from ${rvq.path}`);

    const weights = lazyStateDict([{ tensors: encoder }, { tensors: bottleneck, prefix: BOTTLENECK_PREFIX }]);
    const graph = emitBnWhisperGraphBuilder({ dims, config, tunables, weights });
    const codes = codebookSize(config, tunables);
    const embed = bottleneck.get("rq.layers.0._codebook.embed");
    if (embed === undefined) throw new PretrainedSourceError(rvq.path, "is missing", `${RVQ_STATE_DICT_PREFIX}rq.layers.0._codebook.embed`);
    const embeddings = writeSafetensors(new Map([[SEMANTIC_EMBEDDINGS_TENSOR, { shape: [codes, config.codebook_dim], data: embed.read() }]]), {
      source: `${rvq.path} ${RVQ_STATE_DICT_PREFIX}rq.layers.0._codebook.embed[0]`,
      vq_codes: String(config.vq_codes),
      mask_code: tunables.mask_embs ? String(config.vq_codes) : "none",
    });
    const details = {
      sampleRate: 16000,
      tokensPerSecond: 25,
      vqCodes: config.vq_codes,
      codebookSize: codes,
      codebookDim: config.codebook_dim,
      maskCode: tunables.mask_embs ? config.vq_codes : null,
      downsample: config.downsample,
      whisper: dims,
      input: { name: BN_WHISPER_INPUT, shape: ["batch", BN_WHISPER_CONTRACT.nMels, BN_WHISPER_CONTRACT.frames] },
      output: { name: BN_WHISPER_OUTPUT, shape: ["batch", BN_WHISPER_CONTRACT.tokens] },
    };
    const json = { ...details, config, tunables };
    // Weights past 16 KB go to model.onnx.data (ONNX external data), as SNAC's do: the builder's
    // initializers are streamed out instead of being serialised into a second in-memory copy.
    const written = await graph.writeModel(join(context.outputDir, BN_WHISPER_FILES.model), {
      producerName: "@autosing/pretrained",
      externalData: { thresholdBytes: EXTERNAL_DATA_THRESHOLD },
    });
    await writeFileAtomic(join(context.outputDir, BN_WHISPER_FILES.semanticEmbeddings), embeddings);
    await writeFileAtomic(join(context.outputDir, BN_WHISPER_FILES.config), `${JSON.stringify(json, null, 2)}\n`);
    context.log(`BN-Whisper: wrote ${BN_WHISPER_FILES.model} (${((written.modelBytes + written.dataBytes) / 2 ** 20).toFixed(1)} MiB), ${BN_WHISPER_FILES.semanticEmbeddings} [${codes}, ${config.codebook_dim}], ${BN_WHISPER_FILES.config}`);
    const roles: Record<string, string> = { tokenizer: BN_WHISPER_FILES.model };
    if (written.dataPath !== undefined) roles.tokenizerData = `${BN_WHISPER_FILES.model}.data`;
    return { files: { ...roles, semanticEmbeddings: BN_WHISPER_FILES.semanticEmbeddings, config: BN_WHISPER_FILES.config }, details };
  } finally {
    files.rvq.close();
    files.whisper.close();
  }
}

/** `autosing import bn-whisper <rvq.model> <whisper.pt>`: the BN-Whisper semantic tokenizer and its frozen semantic embeddings. */
export const BN_WHISPER_IMPORTER: ModelImporter = {
  kind: "bn-whisper",
  summary:
    "BN-Whisper semantic tokenizer (streich/bn_whisper: a WhisperSpeech RQ bottleneck over a Whisper encoder) as the BN-Whisper ONNX contract, plus the frozen semantic embeddings t2s/sm2a training starts from",
  sources: "<rvq.model> <whisper.pt> (the streich/bn_whisper files, either order)",
  options: [],
  run: importBnWhisper,
};
