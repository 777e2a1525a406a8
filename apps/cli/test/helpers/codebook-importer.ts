/**
 * A small real importer for the CLI tests (the registry is empty until the real importers merge):
 * it stands in for BN-Whisper, reading a safetensors file that holds a codebook
 * (`rq.layers.0._codebook.embed`, [1, codes, width]) through `openUpstreamFile` and writing the
 * frozen semantic embeddings exactly as the BN-Whisper importer must, plus a stand-in tokenizer.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";

import { type ModelImporter, PretrainedSourceError, SEMANTIC_EMBEDDINGS_FILE, openUpstreamFile, writeSemanticEmbeddings } from "@autosing/pretrained";
import { writeSafetensors } from "@autosing/safetensors";

export const CODEBOOK_KEY = "rq.layers.0._codebook.embed";

export const CODEBOOK_IMPORTER: ModelImporter = {
  kind: "bn-whisper",
  summary: "test stand-in for the BN-Whisper importer",
  sources: "<codebook.safetensors>",
  options: [{ name: "codes", description: "the number of codes to keep" }],
  async run(sources, options, context) {
    const [source] = sources;
    if (source === undefined) throw new PretrainedSourceError("<source>", "give the codebook file");
    const file = await openUpstreamFile(source);
    try {
      const tensor = file.tensors.get(CODEBOOK_KEY);
      if (tensor === undefined) throw new PretrainedSourceError(source, "missing: not a BN-Whisper checkpoint", CODEBOOK_KEY);
      const [, codes, width] = tensor.shape as [number, number, number];
      const kept = options.codes === undefined ? codes : Number(options.codes);
      context.log(`codebook ${codes} × ${width}`);
      await writeSemanticEmbeddings(join(context.outputDir, SEMANTIC_EMBEDDINGS_FILE), { codes: kept, width, data: tensor.read().slice(0, kept * width) });
      await writeFile(join(context.outputDir, "tokenizer.onnx"), "stand-in");
      return { files: { tokenizer: "tokenizer.onnx", semanticEmbeddings: SEMANTIC_EMBEDDINGS_FILE }, details: { codes: kept, width } };
    } finally {
      file.close();
    }
  },
};

/** A seeded codebook file ([1, codes, width], deterministic values) as the importer reads it; returns its values. */
export async function writeCodebook(path: string, codes: number, width: number, seed: number): Promise<Float32Array> {
  const data = Float32Array.from({ length: codes * width }, (_, i) => Math.sin(seed * 7.31 + i * 0.173) * 0.5);
  await writeFile(path, writeSafetensors(new Map([[CODEBOOK_KEY, { shape: [1, codes, width], data }]])));
  return data;
}
