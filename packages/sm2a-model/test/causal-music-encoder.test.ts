import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Xoshiro128 } from "@autosing/base";
import { argmax, delSumHead, float32Tensor, int64Tensor, openOnnxSession, StateDictMismatchError, tf, useTfBackend, writeSafetensors } from "@autosing/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { exportSM2AOnnx, loadSM2ACheckpoint, openSM2AExport, saveSM2ACheckpoint, sm2aAcousticShape, sm2aDimensions, SM2A_ONNX_NAMES as N, sm2aParameterSpecs, SM2ATfModel, SM2ATrainableModel, writeSM2AExport } from "../src/index.js";
import type { SM2ABatch, SM2AConfig, SM2ATunables } from "../src/index.js";
import { parity, randomFloats, randomInts, testWeights, tinyConfig, tunables } from "./helpers.js";
import { randomSM2AWeights } from "../src/testing.js";

const causal: SM2ATunables = { ...tunables, causal_music_encoder: true };

let dir = "";
beforeAll(async () => {
  await useTfBackend("cpu");
  dir = await mkdtemp(join(tmpdir(), "sm2a-causal-music-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function randomBatch(config: SM2AConfig, b: number, seed: number): { values: { stoks: number[]; atoks: number[]; mtoks: number[]; speakers: number[] }; tensors: () => SM2ABatch } {
  const random = Xoshiro128.fromWord(seed);
  const q = config.quantizers;
  const values = {
    stoks: randomInts(random, b * config.stoks_len, config.stoks_codes),
    atoks: randomInts(random, b * q * config.ctx_n, config.codes + 2),
    // Includes pad codes (codes), which the music loss must ignore as targets.
    mtoks: randomInts(random, b * q * config.mtoks_len, config.codes + 2),
    speakers: randomFloats(random, b * (config.spk_width ?? 0)),
  };
  const tensors = (): SM2ABatch => ({
    stoks: tf.tensor2d(values.stoks, [b, config.stoks_len], "int32"),
    atoks: tf.tensor3d(values.atoks, [b, q, config.ctx_n], "int32"),
    mtoks: tf.tensor3d(values.mtoks, [b, q, config.mtoks_len], "int32"),
    speakers: tf.tensor2d(values.speakers, [b, config.spk_width ?? 0]),
  });
  return { values, tensors };
}

/** Mean cross entropy over rows whose target is not `ignore`, computed in plain JS from logits [rows, vocab]. */
function referenceCrossEntropy(logits: Float32Array, targets: readonly number[], vocab: number, ignore: number): number {
  let sum = 0;
  let count = 0;
  targets.forEach((target, row) => {
    if (target === ignore) return;
    const slice = logits.subarray(row * vocab, (row + 1) * vocab);
    const max = Math.max(...slice);
    const logSumExp = max + Math.log(slice.reduce((acc, v) => acc + Math.exp(v - max), 0));
    sum += logSumExp - (slice[target] ?? 0);
    count++;
  });
  return sum / count;
}

describe("sm2a causal_music_encoder (autosing/sm2a.py)", () => {
  const config = tinyConfig({ atoks_width: 8 });

  it("adds upstream's music_embds.* and music_head.* keys, and such a state dict loads unchanged", async () => {
    const baseKeys = sm2aParameterSpecs(config, tunables).flatMap((s) => [s.name, ...s.aliases]);
    // DelSumEmbedding(atoks_width=8) with 3 quantizers and DelSumHead(quantizers=3), written by hand.
    const musicKeys: string[] = [];
    for (let q = 0; q < 3; q++) {
      const p = `music_embds.embeddings.${q}`;
      musicKeys.push(`${p}.main.weight`, `${p}.special.weight`, `${p}.emb_to_hidden.weight`, `${p}.emb_to_hidden.bias`, `${p}.hidden_to_emb.weight`, `${p}.hidden_to_emb.bias`);
    }
    musicKeys.push("music_head.splitter.0.weight", "music_head.splitter.0.bias");
    const specs = sm2aParameterSpecs(config, causal);
    expect(specs.flatMap((s) => [s.name, ...s.aliases]).sort()).toEqual([...baseKeys, ...musicKeys].sort());
    const shape = (name: string): number[] | undefined => specs.find((s) => s.name === name)?.shape;
    expect(shape("music_head.splitter.0.weight")).toEqual([48, 16]);
    expect(shape("music_embds.embeddings.2.main.weight")).toEqual([5, 8]);
    expect(specs.find((s) => s.name === "music_embds.embeddings.0.special.weight")?.aliases).toEqual(["music_embds.embeddings.1.special.weight", "music_embds.embeddings.2.special.weight"]);

    const weights = randomSM2AWeights(config, causal, 3, testWeights);
    const full = new Map(weights);
    for (let q = 1; q < 3; q++) {
      for (const prefix of ["embds", "music_embds"]) full.set(`${prefix}.embeddings.${q}.special.weight`, weights.get(`${prefix}.embeddings.0.special.weight`) ?? { shape: [], data: new Float32Array() });
    }
    const path = join(dir, "causal.safetensors");
    await writeFile(path, writeSafetensors(full, { config: JSON.stringify(config), tunables: JSON.stringify(causal) }));
    const loaded = await loadSM2ACheckpoint(path);
    expect(loaded.tunables.causal_music_encoder).toBe(true);
    expect(loaded.weights.get("music_head.splitter.0.bias")?.data).toEqual(weights.get("music_head.splitter.0.bias")?.data);

    // The same tensors under tunables without the variant: the music keys are unexpected.
    await writeFile(path, writeSafetensors(full, { config: JSON.stringify(config), tunables: JSON.stringify(tunables) }));
    const error = await loadSM2ACheckpoint(path).catch((e: unknown) => e);
    expect(StateDictMismatchError.isInstance(error)).toBe(true);
    expect([...(error as StateDictMismatchError).unexpected].sort()).toEqual(musicKeys.sort());
  });

  it("tfjs forward and ONNX graphs agree within 1e-4 relative, at two sizes", async () => {
    expect(await parity(tinyConfig(), 2, 5, causal)).toBeLessThan(1e-4);
    expect(await parity(tinyConfig({ depth: 4, n_head: 3, head_width: 16, atoks_width: 8, enc_subsample: 2, quantizers: 2 }), 1, 6, causal)).toBeLessThan(1e-4);
  });

  it("is causal in both engines: a music token changes the encoder output only from its position on", async () => {
    const seqConfig = tinyConfig({ mtoks_len: 6 });
    const changed = 3;
    const { values } = randomBatch(seqConfig, 1, 8);
    const edited = [...values.mtoks];
    edited[changed] = ((edited[changed] ?? 0) + 1) % seqConfig.codes; // stream 0, position 3
    const width = sm2aDimensions(seqConfig, causal).width;
    const rowsChanged = (a: Float32Array, b: Float32Array, rowWidth: number): boolean[] =>
      Array.from({ length: a.length / rowWidth }, (_, r) => a.subarray(r * rowWidth, (r + 1) * rowWidth).some((v, i) => Math.abs(v - (b[r * rowWidth + i] ?? 0)) > 1e-6));

    const tfRows = (modelTunables: SM2ATunables): boolean[] => {
      const model = new SM2ATfModel(seqConfig, modelTunables, randomSM2AWeights(seqConfig, modelTunables, 9, testWeights));
      const run = (mtoks: number[]): Float32Array =>
        tf.tidy(() => model.encode(tf.tensor2d(values.stoks, [1, seqConfig.stoks_len], "int32"), tf.tensor2d(values.speakers, [1, 6]), tf.tensor3d(mtoks, [1, 3, seqConfig.mtoks_len], "int32")).yenc.dataSync() as Float32Array);
      const result = rowsChanged(run(values.mtoks), run(edited), width);
      model.dispose();
      return result;
    };
    expect(tfRows(causal)).toEqual([false, false, false, true, true, true]);
    // Control: the bidirectional encoder of the default variant changes every row.
    expect(tfRows(tunables)).toEqual(new Array(6).fill(true));

    const weights = randomSM2AWeights(seqConfig, causal, 9, testWeights);
    const encoder = await openOnnxSession(exportSM2AOnnx(seqConfig, causal, weights).encoder, { threads: 1 });
    try {
      const run = async (mtoks: number[]): Promise<Float32Array> => {
        const out = await encoder.run({
          [N.encoder.stoks]: int64Tensor(values.stoks, [1, seqConfig.stoks_len]),
          [N.encoder.speakers]: float32Tensor(Float32Array.from(values.speakers), [1, 6]),
          [N.encoder.mtoks]: int64Tensor(mtoks, [1, 3, seqConfig.mtoks_len]),
        });
        return out[N.crossMusicValue(0)]?.data as Float32Array; // [1, heads, music, head_dim]
      };
      const [a, b] = [await run(values.mtoks), await run(edited)];
      // Per head, rows are music positions of head_dim values; a position changed if any head's row did.
      const perHead = rowsChanged(a, b, seqConfig.head_width);
      const positions = Array.from({ length: 6 }, (_, t) => perHead.filter((_, r) => r % 6 === t).some(Boolean));
      expect(positions).toEqual([false, false, false, true, true, true]);
    } finally {
      await encoder.release();
    }
  });

  it("adds Σ_q CE(music logits[:, q, :-1], mtoks[:, q, 1:], ignoring pad) / quantizers to the training loss only", () => {
    const weights = randomSM2AWeights(config, causal, 11, testWeights);
    const model = new SM2ATfModel(config, causal, weights);
    const { values, tensors } = randomBatch(config, 2, 12);
    const q = config.quantizers;
    const tm = config.mtoks_len;
    const vocab = config.codes + 2;
    const scalar = (f: () => tf.Scalar): number => tf.tidy(() => f().dataSync()[0] ?? NaN);

    const training = scalar(() => model.loss(tensors(), { training: true }).loss);
    const plainTraining = scalar(() => model.loss(tensors(), { training: true, memoryEfficient: false }).loss);
    const evaluation = scalar(() => model.loss(tensors(), { training: false }).loss);
    // Reference music term: DelSumHead over the encoder output with music_embds' tables, in plain JS cross entropy.
    const logits = tf.tidy(() => {
      const batch = tensors();
      const { yenc } = model.encode(batch.stoks, batch.speakers, batch.mtoks);
      const shape = sm2aAcousticShape(config, causal);
      return tf.mul(delSumHead(model.parameters.lookup, "music_head", "music_embds.embeddings", shape, q, yenc), sm2aDimensions(config, causal).logitScale).dataSync() as Float32Array;
    }); // [2, Q, Tm, vocab]
    let music = 0;
    for (let stream = 0; stream < q; stream++) {
      const rows: Float32Array[] = [];
      const targets: number[] = [];
      for (let b = 0; b < 2; b++) {
        for (let t = 0; t < tm - 1; t++) {
          const offset = ((b * q + stream) * tm + t) * vocab;
          rows.push(logits.subarray(offset, offset + vocab));
          targets.push(values.mtoks[(b * q + stream) * tm + t + 1] ?? -1);
        }
      }
      const flat = new Float32Array(rows.length * vocab);
      rows.forEach((row, i) => flat.set(row, i * vocab));
      music += referenceCrossEntropy(flat, targets, vocab, config.codes) / q;
    }
    console.log(`sm2a causal music encoder: training loss ${training.toFixed(5)} = decoder ${evaluation.toFixed(5)} + music ${music.toFixed(5)}`);
    expect(music).toBeGreaterThan(0.1);
    expect(training).toBeCloseTo(evaluation + music, 4);
    expect(plainTraining).toBeCloseTo(training, 4);

    // The music head learns only through this term.
    const variable = (name: string): tf.Variable => {
      const found = model.variables.find((v) => v.name === name)?.variable;
      if (!found) throw new Error(`${name} is not a trainable variable`);
      return found;
    };
    const head = variable("music_head.splitter.0.weight");
    const gradientNorm = (isTraining: boolean): number =>
      tf.tidy(() => {
        // With a decoder variable alongside, so that tfjs accepts a loss the head does not reach.
        const { grads } = tf.variableGrads(() => model.loss(tensors(), { training: isTraining }).loss, [head, variable("decoder.ln_post.weight")]);
        return tf.norm(grads[head.name] ?? tf.scalar(0)).dataSync()[0] ?? NaN;
      });
    expect(gradientNorm(true)).toBeGreaterThan(1e-4);
    expect(gradientNorm(false)).toBe(0);
    model.dispose();
  });

  it("round-trips checkpoint → export → generation: greedy decoding equals the full tfjs forward's argmax", async () => {
    const genConfig = tinyConfig({ ctx_n: 10 });
    const q = genConfig.quantizers;
    const path = join(dir, "roundtrip.safetensors");
    await saveSM2ACheckpoint(path, { config: genConfig, tunables: causal, weights: randomSM2AWeights(genConfig, causal, 13, testWeights) });
    const checkpoint = await loadSM2ACheckpoint(path);
    await writeSM2AExport(checkpoint, join(dir, "export"));
    const generator = await openSM2AExport(join(dir, "export"), { threads: 1 });
    const random = Xoshiro128.fromWord(14);
    const semantic = randomInts(random, 4, genConfig.stoks_codes - 1);
    const music = Array.from({ length: q }, () => randomInts(random, genConfig.mtoks_len, genConfig.codes + 2));
    const speaker = randomFloats(random, 6);
    const ctx = genConfig.ctx_n;
    const template = Array.from({ length: q }, () => new Array<number>(ctx).fill(0));
    const { patterned } = await generator.generate(semantic, music, speaker, { greedy: true, template });
    await generator.release();
    const rows = Array.from({ length: q }, (_, k) => Array.from(patterned.data.subarray(k * ctx, (k + 1) * ctx)));

    const model = new SM2ATfModel(checkpoint.config, checkpoint.tunables, checkpoint.weights);
    const stoks = [genConfig.stoks_codes - 1, ...semantic];
    while (stoks.length < genConfig.stoks_len) stoks.push(genConfig.stoks_codes - 1);
    const logits = tf.tidy(() =>
      model
        .forward({
          stoks: tf.tensor2d(stoks, [1, genConfig.stoks_len], "int32"),
          speakers: tf.tensor2d(speaker, [1, 6]),
          mtoks: tf.tensor3d(music.flat(), [1, q, genConfig.mtoks_len], "int32"),
          atoks: tf.tensor3d(rows.map((row) => row.slice(0, ctx - 1)).flat(), [1, q, ctx - 1], "int32"),
        })
        .dataSync() as Float32Array,
    );
    model.dispose();
    const vocab = genConfig.codes + 2;
    for (let k = 0; k < q; k++) {
      for (let t = 1; t < ctx - 1; t++) {
        const at = (k * (ctx - 1) + (t - 1)) * vocab;
        expect(rows[k]?.[t]).toBe(argmax(logits.subarray(at, at + vocab)));
      }
    }
  });

  it("still overfits: Adam steps drive the training loss (decoder + music) near zero and accuracy to 1", () => {
    const trainable = new SM2ATrainableModel(tinyConfig(), causal, { seed: 3 });
    const c = tinyConfig();
    const { values } = randomBatch(c, 2, 4);
    const batch = {
      size: 2,
      stoksLength: c.stoks_len,
      atoksLength: c.ctx_n,
      mtoksLength: c.mtoks_len,
      stoks: Int32Array.from(values.stoks),
      atoks: Int32Array.from(values.atoks),
      atoksPositions: Int32Array.from({ length: 2 * c.ctx_n }, (_, i) => i % c.ctx_n),
      mtoks: Int32Array.from(values.mtoks),
      artistEmbeddings: Float32Array.from(values.speakers),
    };
    const optimizer = tf.train.adam(0.01);
    const variables = trainable.parameters.map((p) => p.variable);
    const lossOf = (): number => tf.tidy(() => trainable.loss(batch, { training: true }).loss.dataSync()[0] ?? NaN);
    const before = lossOf();
    for (let step = 0; step < 100; step++) optimizer.minimize(() => trainable.loss(batch, { training: true }).loss, false, variables);
    const after = lossOf();
    const accuracy = tf.tidy(() => Object.values(trainable.loss(batch, { training: false }).metrics).map((m) => m.dataSync()[0] ?? NaN));
    console.log(`sm2a causal music encoder overfit: training loss ${before.toFixed(3)} → ${after.toFixed(4)}, accuracy ${accuracy.map((a) => a.toFixed(2)).join(" ")}`);
    expect(before).toBeGreaterThan(2);
    expect(after).toBeLessThan(0.1);
    expect(accuracy).toEqual(new Array(c.quantizers).fill(1));
    optimizer.dispose();
    trainable.dispose();
  });
});
