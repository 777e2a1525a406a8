import { readFile } from "node:fs/promises";
import { join } from "node:path";

import { decodeWav } from "@autosing/audio-codec";
import { float32Tensor, openOnnxSession } from "@autosing/onnx";
import { decodeSafetensors } from "@autosing/safetensors";
import { loadBnWhisperOnnx, whisperEncoderInput } from "@autosing/semantic-tokens";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { readBnWhisperConfig, readBnWhisperTunables, readWhisperDimensions } from "../src/bn-whisper/config.js";
import { lazyStateDict } from "../src/bn-whisper/lazy-weights.js";
import { checkedTensors } from "../src/bn-whisper/source-files.js";
import {
  BN_WHISPER_FILES,
  BN_WHISPER_INPUT,
  BN_WHISPER_OUTPUT,
  SEMANTIC_EMBEDDINGS_TENSOR,
  bnWhisperShapes,
  emitBnWhisperGraph,
  openUpstreamFile,
  whisperEncoderShapes,
} from "../src/index.js";
import { BN_WHISPER_FIXTURES, RVQ_CONV_COPY, RVQ_COPY, WHISPER_COPY, agreement, fixtureBytes, runImport, scratchFolder } from "./bn-whisper-helpers.js";

// Golden values from scripts/golden/bn_whisper.py: upstream BNWhisper (WhisperSpeech
// RQBottleneckTransformer + vector-quantize-pytorch) over an OpenAI Whisper encoder, reduced
// width, seeded random weights, run by PyTorch 1.13.
const golden = decodeSafetensors(await fixtureBytes("golden.safetensors"), "golden.safetensors").tensors;
const goldenTensor = (name: string): { shape: number[]; data: Float32Array | Int32Array } => {
  const tensor = golden.get(name);
  if (!tensor) throw new Error(`golden.safetensors lacks ${name}`);
  return tensor;
};
const signal = decodeWav(await fixtureBytes("signal.wav"), "signal.wav").channels[0] ?? new Float32Array();

/** The model's 750 tokens for upstream's log-mel of the signal padded to 3000 frames with -1.5 (as encode_mel pads). */
async function tokensOfGoldenMel(model: string | Uint8Array): Promise<BigInt64Array> {
  const mel = goldenTensor("mel");
  const [nMels = 0, frames = 0] = mel.shape;
  const padded = new Float32Array(nMels * 3000).fill(-1.5);
  for (let m = 0; m < nMels; m++) padded.set(mel.data.subarray(m * frames, (m + 1) * frames), m * 3000);
  const session = await openOnnxSession(model);
  try {
    const out = (await session.run({ [BN_WHISPER_INPUT]: float32Tensor(padded, [1, nMels, 3000]) }))[BN_WHISPER_OUTPUT];
    expect(out?.type).toBe("int64");
    expect(out?.dims).toEqual([1, 750]);
    return out?.data as BigInt64Array;
  } finally {
    await session.release();
  }
}

describe("autosing import bn-whisper (golden, upstream PyTorch)", () => {
  let folder: Awaited<ReturnType<typeof scratchFolder>>;
  let log: string[];
  let details: Readonly<Record<string, unknown>>;
  let files: Readonly<Record<string, string>>;

  beforeAll(async () => {
    folder = await scratchFolder();
    ({ log, imported: { details, files } } = await runImport([RVQ_COPY, WHISPER_COPY], folder.dir));
  });
  afterAll(async () => folder.cleanup());

  it("writes the model, the semantic embeddings and bn-whisper.json, and reports them", async () => {
    expect(files).toEqual({ tokenizer: "model.onnx", tokenizerData: "model.onnx.data", semanticEmbeddings: "semantic-embeddings.safetensors", config: "bn-whisper.json" });
    expect(details).toMatchObject({ vqCodes: 64, codebookSize: 65, codebookDim: 4, maskCode: 64, downsample: 2, tokensPerSecond: 25 });
    const json = JSON.parse(await readFile(join(folder.dir, BN_WHISPER_FILES.config), "utf8")) as Record<string, unknown>;
    expect(json).toMatchObject({ codebookSize: 65, downsample: 2, whisper: { n_audio_state: 8, n_audio_layer: 2, n_audio_ctx: 1500 } });
    expect(log.join("\n")).toContain("model.onnx");
  });

  it("tokenizes the test signal through loadBnWhisperOnnx as upstream encode_mel does (>= 99 % of frames)", async () => {
    const expected = goldenTensor("tokens");
    const tokenizer = await loadBnWhisperOnnx(join(folder.dir, files.tokenizer ?? ""));
    try {
      const tokens = await tokenizer.encode(signal);
      expect(tokens.length).toBe(expected.shape[0]);
      expect(agreement(tokens, expected.data)).toBeGreaterThanOrEqual(0.99);
    } finally {
      await tokenizer.dispose();
    }
  });

  it("gives upstream's 750 tokens for upstream's own log-mel padded to 3000 frames (>= 99 %)", async () => {
    const out = await tokensOfGoldenMel(join(folder.dir, files.tokenizer ?? ""));
    expect(agreement(out, goldenTensor("tokens_full").data)).toBeGreaterThanOrEqual(0.99);
  });

  it("emits the same network in standard ONNX operators only (contribOps: false)", async () => {
    const [rvq, whisper] = await Promise.all([openUpstreamFile(RVQ_COPY), openUpstreamFile(WHISPER_COPY)]);
    try {
      const config = readBnWhisperConfig(rvq.path, rvq.root);
      const tunables = readBnWhisperTunables(rvq.path, rvq.root);
      const dims = readWhisperDimensions(whisper.path, whisper.root);
      const weights = lazyStateDict([
        { tensors: checkedTensors(whisper, "model_state_dict.", whisperEncoderShapes(dims), "dims", ["decoder."]) },
        { tensors: checkedTensors(rvq, "state_dict.", bnWhisperShapes(config, tunables), "config"), prefix: "bottleneck." },
      ]);
      const graph = emitBnWhisperGraph({ dims, config, tunables, weights, contribOps: false });
      expect(new TextDecoder().decode(graph)).not.toContain("com.microsoft");
      expect(agreement(await tokensOfGoldenMel(graph), goldenTensor("tokens_full").data)).toBeGreaterThanOrEqual(0.99);
    } finally {
      rvq.close();
      whisper.close();
    }
  });

  it("builds the other Tunables branches as upstream (downsample_conv, no mask_embs, no rope, no projection)", async () => {
    const other = await scratchFolder();
    try {
      const { imported } = await runImport([WHISPER_COPY, RVQ_CONV_COPY], other.dir);
      expect(imported.details).toMatchObject({ vqCodes: 32, codebookSize: 32, codebookDim: 8, maskCode: null });
      const out = await tokensOfGoldenMel(join(other.dir, imported.files.tokenizer ?? ""));
      expect(agreement(out, goldenTensor("conv_tokens_full").data)).toBeGreaterThanOrEqual(0.99);
    } finally {
      await other.cleanup();
    }
  });

  it("computes the log-mel upstream's whisper.log_mel_spectrogram does (whisperEncoderInput)", () => {
    const mel = goldenTensor("mel");
    const [nMels = 0, frames = 0] = mel.shape;
    const ours = whisperEncoderInput(signal);
    expect(ours.validFrames).toBe(frames);
    let worst = 0;
    for (let m = 0; m < nMels; m++) {
      for (let t = 0; t < frames; t++) worst = Math.max(worst, Math.abs((ours.mel[m * 3000 + t] ?? 0) - (mel.data[m * frames + t] ?? 0)));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it("writes upstream's codebook, rq.layers[0]._codebook.embed[0], as the frozen semantic embeddings", async () => {
    const { tensors } = decodeSafetensors(new Uint8Array(await readFile(join(folder.dir, files.semanticEmbeddings ?? ""))), "embeddings");
    expect([...tensors.keys()]).toEqual([SEMANTIC_EMBEDDINGS_TENSOR]);
    const embeddings = tensors.get(SEMANTIC_EMBEDDINGS_TENSOR);
    expect(embeddings?.dtype).toBe("float32");
    expect(embeddings?.shape).toEqual([65, 4]);
    expect(Array.from(embeddings?.data ?? [])).toEqual(Array.from(goldenTensor("codebook").data));
  });

  it("imports the files as upstream publishes them (rvq.model + whisper.pt, torch.save) into the same graph as their safetensors copies", async () => {
    const other = await scratchFolder();
    try {
      await runImport([join(BN_WHISPER_FIXTURES, "rvq.model"), join(BN_WHISPER_FIXTURES, "whisper.pt")], other.dir);
      for (const file of [BN_WHISPER_FILES.model, `${BN_WHISPER_FILES.model}.data`]) {
        const [a, b] = await Promise.all([readFile(join(folder.dir, file)), readFile(join(other.dir, file))]);
        expect(a.equals(b), file).toBe(true);
      }
    } finally {
      await other.cleanup();
    }
  });

  it("takes the two files in either order and builds the same graph", async () => {
    const other = await scratchFolder();
    try {
      await runImport([WHISPER_COPY, RVQ_COPY], other.dir);
      for (const file of [BN_WHISPER_FILES.model, `${BN_WHISPER_FILES.model}.data`]) {
        const [a, b] = await Promise.all([readFile(join(folder.dir, file)), readFile(join(other.dir, file))]);
        expect(a.equals(b), file).toBe(true);
      }
    } finally {
      await other.cleanup();
    }
  });
});
