/**
 * Training throughput of the real AutoSing models at size tiny, per available tfjs backend:
 * t2s and sm2a on synthetic 15 s rows shaped like `construct-dataset --split` output (1248
 * acoustic frames, 375 semantic tokens, 256-float artist embeddings, "short" text of 450
 * bytes). Prints samples/s and tokens/s through `train()`, one optimizer step split into
 * forward, backward and update, and for wasm the heap's high-water mark and the process RSS.
 * sm2a runs twice: on `multiscale` windows (320 steps, as the upstream README trains it) and on
 * the full 15 s `bricks_unrolled` row (1280 steps) — the latter used to abort on wasm (heap
 * exhausted) before sm2a's loss became memory-efficient. `--batch=N` sets the batch (default 1).
 * Anchor: the fp32 matmul rate of each backend on these machines (docs/architecture.md: cpu
 * 0.5, wasm 1.9 GFLOP/s) — the models' step time is dominated by matmuls.
 */
import { Xoshiro128 } from "@autosing/base";
import { TF_BACKEND_PREFERENCE, type TfBackendChoice } from "@autosing/nn";
import * as tf from "@tensorflow/tfjs-core";
import { DEFAULT_SM2A_TUNABLES, SM2ATrainableModel, sm2aConfigForSize } from "@autosing/sm2a-model";
import { DEFAULT_T2S_TUNABLES, T2STrainableModel, t2sConfigForSize } from "@autosing/t2s-model";

import type { SM2AHostBatch, SM2ASample, T2SHostBatch, T2SSample, TrainableModel, TrainingDataset, TrainingRow } from "../src/index.js";
import { InMemoryDataset, collateSM2A, collateT2S, selectBackend, sm2aSample, t2sSample } from "../src/index.js";
import { measureStep, measureTraining } from "./measure.js";
import { FRAMES, STOKS, syntheticRow } from "./synthetic-row.js";

const BATCH = Number(process.argv.find((a) => a.startsWith("--batch="))?.slice("--batch=".length) ?? 1);
function samplesOf<S>(rows: TrainingRow[], map: (row: TrainingRow, i: number) => S | { skip: string }): S[] {
  return rows.map((row, i) => {
    const sample = map(row, i);
    if (typeof sample === "object" && sample !== null && "skip" in sample) throw new Error(`synthetic row ${i} skipped: ${sample.skip}`);
    return sample as S;
  });
}

/** The wasm heap (never shrinks, so its size is the high-water mark) and the process RSS, in MiB. */
function memoryNote(): string {
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm;
  const rss = `RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`;
  return wasm ? `wasm heap peak ${(wasm.HEAPU8.length / 2 ** 20).toFixed(0)} MiB, ${rss}` : rss;
}

async function report<Batch>(label: string, model: TrainableModel<Batch> & { dispose(): void }, batch: Batch, dataset: TrainingDataset<Batch>, tokensPerSample: number, reps: number): Promise<void> {
  const step = measureStep(model, batch, reps);
  const { steps, seconds } = await measureTraining(model, dataset);
  const samples = steps * BATCH;
  console.log(
    `  ${label.padEnd(10)} ${(samples / seconds).toFixed(3).padStart(6)} samples/s ${((samples * tokensPerSample) / seconds).toFixed(0).padStart(6)} tokens/s | ` +
      `step (batch ${BATCH}): forward ${step.forwardMs.toFixed(0)} ms, backward ${step.backwardMs.toFixed(0)} ms, update ${step.updateMs.toFixed(0)} ms | ${memoryNote()}`,
  );
  model.dispose();
}

async function benchBackend(backend: TfBackendChoice): Promise<void> {
  let selected;
  try {
    selected = await selectBackend({ only: [backend] });
  } catch {
    console.log(`${backend}: not available`);
    return;
  }
  console.log(`${selected.backend}:`);
  // The cpu backend is ~10× slower than wasm on these models: one timed step, one training step.
  const reps = selected.backend === "cpu" ? 1 : 2;
  const trainBatches = selected.backend === "cpu" ? 1 : 2;
  const rng = Xoshiro128.fromSeed(1);
  const rows = Array.from({ length: BATCH * trainBatches }, (_, i) => syntheticRow(rng, i));

  // Each model runs in its own process (`--model`): wasm's heap never shrinks, so a second model
  // after the first would measure (and overflow) the leftovers.
  if (only === "t2s") {
  const t2sSamples = samplesOf<T2SSample>(rows, (row) => t2sSample(row, { ttoksLength: 450 }));
  const t2sBatch = collateT2S(t2sSamples.slice(0, BATCH));
  const t2sConfig = t2sConfigForSize("tiny", { ttoks_len: 450, stoks_len: t2sBatch.stoksLength, mtoks_len: t2sBatch.mtoksLength });
  const t2s = new T2STrainableModel(t2sConfig, { ...DEFAULT_T2S_TUNABLES }, { seed: 0 });
  const t2sData = new InMemoryDataset<T2SSample, T2SHostBatch>({ samples: t2sSamples, batchSize: BATCH, collate: collateT2S, shuffle: false, seed: 0 });
  await report("t2s tiny", t2s as unknown as TrainableModel<T2SHostBatch> & { dispose(): void }, t2sBatch, t2sData, t2sBatch.stoksLength, reps);
  return;
  }

  // Multiscale windows first: the heap only grows, so the full row's figure is the peak of both.
  for (const multiscale of [true, false]) {
    const context = { rng: Xoshiro128.fromSeed(2), partition: 1, file: "synthetic", row: 0 };
    const sm2aSamples = samplesOf<SM2ASample>(rows, (row, i) => sm2aSample(row, { multiscale }, { ...context, row: i }));
    const sm2aBatch = collateSM2A(sm2aSamples.slice(0, BATCH));
    const sm2aConfig = sm2aConfigForSize("tiny", {
      ctx_n: sm2aBatch.atoksLength,
      stoks_len: sm2aBatch.stoksLength,
      mtoks_len: sm2aBatch.mtoksLength,
      spk_width: sm2aBatch.artistEmbeddings.length / sm2aBatch.size,
    });
    const sm2a = new SM2ATrainableModel(sm2aConfig, { ...DEFAULT_SM2A_TUNABLES }, { seed: 0 });
    const sm2aData = new InMemoryDataset<SM2ASample, SM2AHostBatch>({ samples: sm2aSamples, batchSize: BATCH, collate: collateSM2A, shuffle: false, seed: 0 });
    const label = `sm2a tiny, ${multiscale ? "multiscale window" : "full 15 s row (bricks_unrolled)"} of ${sm2aBatch.atoksLength} steps`;
    console.log(`  ${label}:`);
    try {
      await report("sm2a tiny", sm2a as unknown as TrainableModel<SM2AHostBatch> & { dispose(): void }, sm2aBatch, sm2aData, sm2aBatch.atoksLength, reps);
    } catch (error) {
      // Reported, not hidden.
      console.log(`  sm2a tiny  failed on ${selected.backend} (atoks length ${sm2aBatch.atoksLength}): ${(error as Error).message.split("\n")[0]} | ${memoryNote()}`);
      sm2a.dispose();
    }
  }
}

const only = process.argv.includes("--model=sm2a") ? "sm2a" : "t2s";
console.log(`trainer models bench: ${only} at size tiny, 15 s rows (${FRAMES} acoustic frames, ${STOKS} semantic tokens), batch ${BATCH}`);
console.log("anchor: fp32 matmul ≈ 1.9 GFLOP/s on wasm, 0.5 on cpu (docs/architecture.md); upstream trains these on a GPU");
// The cpu backend needs minutes per step on these models; it runs only when asked (--with-cpu).
const backends = TF_BACKEND_PREFERENCE.filter((b) => b !== "cpu" || process.argv.includes("--with-cpu"));
for (const backend of backends) await benchBackend(backend);
