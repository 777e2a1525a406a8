import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

import { writeFileAtomic } from "@autosing/base";
import { ROFORMER_GRAPH_FILE, ROFORMER_MODEL_FILE, type RoformerModelFile } from "@autosing/separation";

import { PretrainedSourceError } from "../errors.js";
import type { ImportContext, ImportedModel, ModelImporter } from "../importer.js";
import { openUpstreamFile } from "../upstream-file.js";
import { roformerArchitecture } from "./architecture.js";
import { uncoveredBins } from "./band-layout.js";
import { type RoformerYaml, readRoformerYaml } from "./config.js";
import { RoformerEmitter } from "./graph.js";
import { RoformerWeights, roformerShapes } from "./weights.js";

/** Initializers of at least this many bytes go to `separator.onnx.data` (ONNX external data). */
const EXTERNAL_DATA_THRESHOLD = 16 * 1024;

/** The default separator of the audio-separator fork AutoSing pins (`Separator.load_model`). */
export const DEFAULT_SEPARATOR_CHECKPOINT = "model_mel_band_roformer_ep_3005_sdr_11.4360.ckpt";

/** `<model.ckpt> <config.yaml>` in either order, or one folder holding one of each. */
function resolveSources(sources: readonly string[]): { checkpoint: string; yaml: string } {
  let files = [...sources];
  if (files.length === 1 && isDirectory(files[0]!)) {
    const dir = files[0]!;
    files = readdirSync(dir)
      .filter((f) => /\.(ckpt|ya?ml)$/i.test(f))
      .map((f) => join(dir, f));
  }
  const checkpoints = files.filter((f) => !/\.ya?ml$/i.test(f));
  const yamls = files.filter((f) => /\.ya?ml$/i.test(f));
  if (checkpoints.length !== 1 || yamls.length !== 1) {
    throw new PretrainedSourceError(sources.join(" ") || "(no source)", `separator takes the checkpoint and its YAML config (e.g. ${DEFAULT_SEPARATOR_CHECKPOINT} and the .yaml of the same name), or a folder holding exactly one of each`);
  }
  return { checkpoint: checkpoints[0]!, yaml: yamls[0]! };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** The stems the network outputs, in its order (the fork: the target alone for a one-stem model). */
function stemNames(yaml: RoformerYaml): string[] {
  if (yaml.model.num_stems === 1) return [yaml.targetInstrument ?? yaml.instruments[0]!];
  return yaml.instruments.slice(0, yaml.model.num_stems);
}

/** How the log and the facts name each variant. */
const VARIANT_NAMES = { "mel-band-roformer": "Mel-Band RoFormer", "bs-roformer": "BS-RoFormer" } as const;

/**
 * `autosing import separator <model.ckpt> <config.yaml>`: a Mel-Band RoFormer of the fork
 * (`model_mel_band_roformer_ep_3005_sdr_11.4360.ckpt`, AutoSing's default) or a BS-RoFormer of the
 * same family (YAML naming `model.freqs_per_bands`) to `separator.onnx` (band gather → RoFormer
 * stack → mask estimators, weights in `separator.onnx.data`) and `roformer.json` (variant, STFT,
 * band layout, stems, chunk size) for `--separator roformer:<dir>`.
 */
export const SEPARATOR_IMPORTER: ModelImporter = {
  kind: "separator",
  summary: `Mel-Band or BS-RoFormer vocal separator (${DEFAULT_SEPARATOR_CHECKPOINT} + its YAML) → ONNX for --separator roformer:<dir>`,
  sources: "<model.ckpt> <config.yaml> (or a folder with one of each)",
  options: [],
  async run(sources: readonly string[], _options, context: ImportContext): Promise<ImportedModel> {
    const { checkpoint, yaml: yamlPath } = resolveSources(sources);
    const yaml = await readRoformerYaml(yamlPath);
    const architecture = roformerArchitecture(yaml.variant);
    const { layout } = architecture;
    const uncovered = uncoveredBins(layout);
    if (uncovered.length > 0) throw new PretrainedSourceError(yamlPath, `bins ${uncovered.slice(0, 5).join(", ")} are in no mel band; upstream refuses such a config`, "model.num_bands");
    const file = await openUpstreamFile(checkpoint);
    try {
      const weights = new RoformerWeights(file.tensors, roformerShapes(architecture), checkpoint, yamlPath);
      const { model } = yaml;
      const bands = layout.freqsPerBand.length;
      context.log(`separator: ${checkpoint}: ${VARIANT_NAMES[architecture.kind]}, dim ${model.dim}, depth ${model.depth}, ${bands} bands, ${weights.count} tensors checked`);
      const emitter = new RoformerEmitter(architecture, weights).emit();
      const written = await emitter.graph.writeModel(join(context.outputDir, ROFORMER_GRAPH_FILE), { externalData: { thresholdBytes: EXTERNAL_DATA_THRESHOLD }, producerName: "@autosing/pretrained" });
      context.log(`separator: wrote ${ROFORMER_GRAPH_FILE} (${((written.modelBytes + written.dataBytes) / 1e6).toFixed(1)} MB)`);
      const facts: RoformerModelFile = {
        kind: architecture.kind,
        // BSRoformer takes no sample_rate; the fork runs it at the YAML's audio.sample_rate.
        sampleRate: yaml.variant.kind === "mel-band-roformer" ? yaml.variant.model.sample_rate : yaml.sampleRate,
        channels: layout.channels,
        nFft: model.stft_n_fft,
        hopLength: model.stft_hop_length,
        dimT: yaml.dimT,
        stems: stemNames(yaml),
        freqIndices: Array.from(layout.freqIndices),
        bandsPerFreq: Array.from(layout.bandsPerFreq),
      };
      await writeFileAtomic(join(context.outputDir, ROFORMER_MODEL_FILE), `${JSON.stringify(facts)}\n`);
      const files: Record<string, string> = { separator: ROFORMER_GRAPH_FILE, facts: ROFORMER_MODEL_FILE };
      if (written.dataPath !== undefined) files["separatorData"] = `${ROFORMER_GRAPH_FILE}.data`;
      const { freqIndices: _indices, bandsPerFreq: _bands, ...details } = facts;
      return { files, details: { ...details, bands, dim: model.dim, depth: model.depth, chunkSamples: yaml.hopLength * (yaml.dimT - 1) } };
    } finally {
      file.close();
    }
  },
};
