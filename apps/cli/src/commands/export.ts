import { checkExportFolder, readCheckpoint } from "@autosing/nn";
import type { Command } from "commander";

import { CliError } from "../errors.js";
import type { CliIo } from "../io.js";
import { withUserErrors } from "../shared/with-user-errors.js";
import { TRAINING_TASKS, isModelKind } from "../training/registry.js";

interface ExportFlags {
  model?: string;
  decoderWeights?: string;
}

/** Which model a checkpoint holds: the recorded name, else the config's telltale keys. */
function detectModel(recorded: string | undefined, config: Record<string, unknown>): string {
  if (recorded) return recorded;
  // The artist embedder also has ctx_n, so its own key (emb_width) is checked first.
  if ("emb_width" in config && "num_classes" in config) return "artist_emb";
  if ("ttoks_len" in config) return "t2s";
  if ("ctx_n" in config) return "sm2a";
  return "unknown";
}

/**
 * Exports a trained model to ONNX with its task's exporter (the training table's); resolves to
 * the files written. `autosing demo` exports its models through it too.
 */
export async function exportModel(checkpoint: string, outDir: string, options: ExportFlags = {}): Promise<string[]> {
  return withUserErrors("export", async () => {
    // Cheap, so first: a file or read-only folder as <out_dir> fails before the checkpoint is read.
    await checkExportFolder(outDir);
    // Flags before the checkpoint: a bad flag is the user's typo, whatever the checkpoint holds.
    const weights = options.decoderWeights ?? "float32";
    if (weights !== "float32" && weights !== "int8") throw new CliError(`autosing export: --decoder-weights must be float32 or int8, got "${weights}"`);
    if (options.model !== undefined && !isModelKind(options.model)) {
      throw new CliError(`autosing export: --model must be t2s, sm2a or artist_emb, got "${options.model}"`);
    }
    const raw = await readCheckpoint(checkpoint);
    const model = options.model ?? detectModel(raw.model, raw.config);
    if (!isModelKind(model)) throw new CliError(`autosing export: cannot tell which model ${checkpoint} holds (model "${model}"); pass --model t2s, sm2a or artist_emb`);
    const task = TRAINING_TASKS[model];
    if (!task.hasDecoder && options.decoderWeights !== undefined) {
      throw new CliError("autosing export: --decoder-weights applies to t2s and sm2a; the artist embedder has no decoder");
    }
    return task.exportModel(checkpoint, outDir, { decoderWeights: weights });
  });
}

/** `autosing export <checkpoint> <out_dir> [--model t2s|sm2a|artist_emb]`. */
export function registerExportCommand(program: Command, io: CliIo): void {
  program
    .command("export")
    .argument("<checkpoint>", "a safetensors checkpoint (config/tunables in its metadata) or a trainer checkpoint directory (model.safetensors + config.json)")
    .argument("<out_dir>", "directory for the ONNX graphs and their config")
    .summary("export a trained checkpoint to ONNX encoder/decoder graphs plus config")
    .description(
      "Writes the model's encoder graph (cross-attention keys/values computed once) and its one-step decoder graph " +
        "(past_key_values.{i}.key|value in, present.{i}.key|value out, dynamic batch) for onnxruntime, plus a JSON config. " +
        "The model is read from the checkpoint's recorded name or its config (t2s has ttoks_len, sm2a ctx_n, " +
        "the artist embedder emb_width and num_classes; it exports one graph from tokens to embeddings).",
    )
    .option("--model <name>", "model of the checkpoint when it is not recorded: t2s, sm2a or artist_emb")
    .option("--decoder-weights <type>", "float32 (default) or int8: per-column int8 decoder weights, a quarter of the bytes per step at ~1e-2 relative error")
    .action(async (checkpoint: string, outDir: string, options: ExportFlags) => {
      for (const file of await exportModel(checkpoint, outDir, options)) io.stdout(`${file}\n`);
    });
}
