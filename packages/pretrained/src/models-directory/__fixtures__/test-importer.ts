/**
 * A small real importer for the models-directory tests: it reads a safetensors file holding a
 * BN-Whisper-style codebook (`rq.layers.0._codebook.embed`, [1, codes, width]) through
 * `openUpstreamFile`, writes the frozen semantic embeddings as the BN-Whisper importer does,
 * and a stand-in tokenizer file. Options make it fail half-way or break its contract.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { writeSafetensors } from "@autosing/safetensors";

import { PretrainedSourceError } from "../../errors.js";
import type { ImportedModel, ModelImporter } from "../../importer.js";
import { openUpstreamFile } from "../../upstream-file.js";
import { SEMANTIC_EMBEDDINGS_FILE, writeSemanticEmbeddings } from "../semantic-embeddings.js";

export const CODEBOOK_KEY = "rq.layers.0._codebook.embed";

/** Counts runs, so tests can tell that a refused import never started the heavy work. */
export const runs = { count: 0 };

export const TEST_IMPORTER: ModelImporter = {
  kind: "bn-whisper",
  summary: "test stand-in for the BN-Whisper importer",
  sources: "<codebook.safetensors>",
  options: [
    { name: "fail", description: "throw after writing part of the output" },
    { name: "break-contract", description: "return a role it did not write" },
  ],
  async run(sources, options, context): Promise<ImportedModel> {
    runs.count += 1;
    const [source] = sources;
    if (source === undefined || sources.length !== 1) throw new PretrainedSourceError(sources.join(" "), "give one codebook file");
    const file = await openUpstreamFile(source);
    try {
      const tensor = file.tensors.get(CODEBOOK_KEY);
      if (tensor === undefined) throw new PretrainedSourceError(source, "missing", CODEBOOK_KEY);
      const [, codes, width] = tensor.shape as [number, number, number];
      context.log(`codebook ${codes} × ${width}`);
      await writeSemanticEmbeddings(join(context.outputDir, SEMANTIC_EMBEDDINGS_FILE), { codes, width, data: tensor.read() });
      if (options.fail !== undefined) throw new PretrainedSourceError(source, options.fail, CODEBOOK_KEY);
      await writeFile(join(context.outputDir, "tokenizer.onnx"), "not a real ONNX file");
      return {
        files: { tokenizer: options["break-contract"] ?? "tokenizer.onnx", semanticEmbeddings: SEMANTIC_EMBEDDINGS_FILE },
        details: { vq_codes: codes - 1, codebook_dim: width },
      };
    } finally {
      file.close();
    }
  },
};

/** A seeded codebook file as the test importer reads it. */
export async function writeCodebook(path: string, codes: number, width: number, seed: number): Promise<Float32Array> {
  const data = Float32Array.from({ length: codes * width }, (_, i) => Math.sin(seed * 7.31 + i * 0.173));
  await writeFile(path, writeSafetensors(new Map([[CODEBOOK_KEY, { shape: [1, codes, width], data }]])));
  return data;
}
