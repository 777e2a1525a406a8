/**
 * Data parallelism (`train({ replicas })`, `autosing train --replicas N`): samples/s and tokens/s
 * of the same `train()` run at 1 replica (the single-process path) and at N worker replicas
 * (default 2, `--replicas=N`), on the tiny causal LM and on t2s and sm2a at size tiny (synthetic
 * 15 s rows as in `models-bench.ts`; sm2a on a multiscale window and on the full row), with the
 * ratio. The backend is wasm unless `--backend=cpu`. The machine's other load skews absolute
 * figures; the ratio within one run is the figure to read. `--model=lm|t2s|sm2a` (default lm), `--batch=N` (default 4), `--steps=N` (default 3; the first step is not timed).
 * For t2s and sm2a it also runs upstream's PyTorch-CPU training step of the same model on the same
 * rows (`torch-anchor.ts`; fp32, batch `--torch-batch=N` (default 1), all cores' threads) when
 * `/usr/bin/python3 -c 'import torch'` works, and prints ours over it; `--no-torch` skips it.
 * `--sm2a=multiscale|full|both` (default both) picks sm2a's rows. On wasm, the matrix products and
 * the fused loss and attention run on onnxruntime (@autosing/nn); `--onnxruntime-ab` repeats the
 * 1-replica run with every kernel in the wasm module (`matMulThreads: 0`) for the ratio (in the
 * same process, after the others: the wasm heap never shrinks, so sm2a's full row at batch 2 may
 * not fit a second time — run it on its own).
 */
import { availableParallelism } from "node:os";

import { Xoshiro128 } from "@autosing/base";
import { type TfBackendChoice, describeTfBackend } from "@autosing/nn";
import { DEFAULT_SM2A_TUNABLES, SM2ATrainableModel, sm2aConfigForSize } from "@autosing/sm2a-model";
import { DEFAULT_T2S_TUNABLES, T2STrainableModel, t2sConfigForSize } from "@autosing/t2s-model";

import { InMemoryDataset, collateSM2A, collateT2S, selectBackend, sm2aSample, splitRowMajorBatch, splitSM2ABatch, t2sSample, train } from "../src/index.js";
import type { BatchShard, JsonValue, SM2AHostBatch, SM2ASample, T2SSample, TrainableModel, TrainingDataset, TrainingRow } from "../src/index.js";
import { TinyLm, collateTokens, countingSequences } from "../test/fixtures/tiny-lm.js";
import { syntheticRow } from "./synthetic-row.js";
import { runUpstreamStep, torchUnavailable, type TorchStepRequest } from "./torch-anchor.js";

const argument = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
const REPLICAS = argument("replicas", "2") === "auto" ? availableParallelism() : Number(argument("replicas", "2"));
const BATCH = Number(argument("batch", "4"));
const STEPS = Number(argument("steps", "3"));
const BACKEND = argument("backend", "wasm") as TfBackendChoice;
/** `--model=lm|t2s|sm2a` runs one (the wasm heap never shrinks: run each model in its own process, as `bench` does). */
const MODEL = argument("model", "lm");
const TORCH_BATCH = Number(argument("torch-batch", "1"));
const TORCH_SKIPPED = process.argv.includes("--no-torch") ? "PyTorch-CPU anchor skipped (--no-torch)" : MODEL === "lm" ? "no PyTorch anchor for the tiny LM" : torchUnavailable();
const HYPERPARAMETERS = { lr0: 1e-3, weightDecay: 0.1, warmupSteps: 2, lrSchedule: "cosine" as const, epochs: 1, accumulateGradBatches: 1, seed: 0, clipGradientNorm: 1 };

interface Case<Batch> {
  label: string;
  /** Upstream's step of the same model on the same rows, at batch TORCH_BATCH (t2s, sm2a). */
  torch?: TorchStepRequest;
  tokensPerSample: number;
  build(): TrainableModel<Batch> & { dispose(): void };
  dataset: TrainingDataset<Batch>;
  module: string;
  options: JsonValue;
  sizeKey: string;
  /** The model's own split (sm2a: splitSM2ABatch); default splitRowMajorBatch on `sizeKey`. */
  split?: (batch: Batch, parts: number) => BatchShard<Batch>[];
}

async function samplesPerSecond<Batch extends object>(entry: Case<Batch>, replicas: number): Promise<number> {
  const model = entry.build();
  // Timed from the end of the first step to the end of the last: worker start-up and the first step's kernel warm-up are left out.
  let firstStepEnd = 0;
  const result = await train({
    model,
    train: entry.dataset,
    hyperparameters: HYPERPARAMETERS,
    onProgress: (info) => {
      if (info.step === 1) firstStepEnd = performance.now();
    },
    ...(replicas > 1 ? { replicas: { count: replicas, module: entry.module, options: entry.options, split: entry.split ?? ((batch: Batch, parts: number) => splitRowMajorBatch(batch, parts, entry.sizeKey as keyof Batch & string)) } } : {}),
  });
  const seconds = (performance.now() - firstStepEnd) / 1000;
  model.dispose();
  return ((result.steps - 1) * BATCH) / seconds;
}

async function run<Batch extends object>(entry: Case<Batch>): Promise<void> {
  const one = await samplesPerSecond(entry, 1);
  const many = await samplesPerSecond(entry, REPLICAS);
  const line = (n: number, rate: number) => `${n} replica(s) ${rate.toFixed(3).padStart(8)} samples/s ${(rate * entry.tokensPerSample).toFixed(0).padStart(7)} tokens/s`;
  console.log(`  ${entry.label.padEnd(34)} ${line(1, one)} | ${line(REPLICAS, many)} | ×${(many / one).toFixed(2)}`);
  if (MATMUL_AB) {
    await selectBackend({ only: [BACKEND], matMulThreads: 0 });
    const inWasm = await samplesPerSecond(entry, 1);
    await selectBackend({ only: [BACKEND] });
    console.log(`  ${"".padEnd(34)} ${line(1, inWasm)} without onnxruntime (every kernel in wasm) | onnxruntime ×${(one / inWasm).toFixed(2)}`);
  }
  if (!entry.torch || TORCH_SKIPPED) return;
  const torch = runUpstreamStep(entry.torch);
  const rate = torch.samples_per_second;
  console.log(
    `  ${"".padEnd(34)} PyTorch-CPU ${torch.torch} (${torch.threads} threads, batch ${torch.batch}) ${rate.toFixed(3).padStart(8)} samples/s ` +
      `(forward ${torch.forward_ms.toFixed(0)} / backward ${torch.backward_ms.toFixed(0)} / update ${torch.update_ms.toFixed(0)} ms) | ` +
      `ours / PyTorch: 1 replica ×${(one / rate).toFixed(2)}, ${REPLICAS} replicas ×${(many / rate).toFixed(2)}`,
  );
}

/** The first `STEPS` batches of TORCH_BATCH rows, collated as ours are. */
function torchBatches<S, B>(samples: S[], collate: (samples: S[]) => B): B[] {
  return Array.from({ length: Math.min(STEPS, Math.floor(samples.length / TORCH_BATCH)) }, (_, i) => collate(samples.slice(i * TORCH_BATCH, (i + 1) * TORCH_BATCH)));
}

const selected = await selectBackend({ only: [BACKEND] });
const MATMUL_AB = selected.matMul?.engine === "onnxruntime" && process.argv.includes("--onnxruntime-ab");
console.log(`replicas bench on ${describeTfBackend(selected)}: batch ${BATCH}, ${STEPS} steps, 1 vs ${REPLICAS} replicas (${availableParallelism()} cores)`);
console.log(TORCH_SKIPPED ?? `PyTorch-CPU anchor: upstream's training step (bench/upstream-step-torch.py), fp32, batch ${TORCH_BATCH}, ${availableParallelism()} threads`);
const here = (file: string) => new URL(file, import.meta.url).href;
const rng = Xoshiro128.fromSeed(1);
const rows: TrainingRow[] = Array.from({ length: BATCH * STEPS }, (_, i) => syntheticRow(rng, i));

const lmSamples = countingSequences(BATCH * STEPS, 64, 512, 3);
if (MODEL === "lm") await run({
  label: "tiny LM (vocab 512, width 128)",
  tokensPerSample: 64,
  build: () => new TinyLm(512, 128, 512, 1, 0),
  dataset: new InMemoryDataset({ samples: lmSamples, batchSize: BATCH, collate: collateTokens, shuffle: false, seed: 0 }),
  module: here("./tiny-lm-bench-replica.ts"),
  options: null,
  sizeKey: "batch",
});

const t2sSamples = rows.map((row) => t2sSample(row, { ttoksLength: 450 }) as T2SSample);
const t2sFirst = collateT2S(t2sSamples.slice(0, 1));
const t2sConfig = t2sConfigForSize("tiny", { ttoks_len: 450, stoks_len: t2sFirst.stoksLength, mtoks_len: t2sFirst.mtoksLength });
if (MODEL === "t2s") await run({
  label: "t2s tiny",
  tokensPerSample: t2sFirst.stoksLength,
  build: () => new T2STrainableModel(t2sConfig, { ...DEFAULT_T2S_TUNABLES }, { seed: 0 }) as never,
  dataset: new InMemoryDataset({ samples: t2sSamples, batchSize: BATCH, collate: collateT2S, shuffle: false, seed: 0 }),
  module: here("./replica-models.ts"),
  options: { model: "t2s", config: t2sConfig, tunables: { ...DEFAULT_T2S_TUNABLES } } as unknown as JsonValue,
  sizeKey: "size",
  torch: { model: "t2s", config: t2sConfig, batches: torchBatches(t2sSamples, collateT2S), steps: STEPS, threads: availableParallelism() },
});

/** `--sm2a=multiscale|full|both` (default both): which sm2a rows to run. */
const SM2A_ROWS = argument("sm2a", "both");
for (const multiscale of MODEL === "sm2a" ? [true, false].filter((m) => SM2A_ROWS === "both" || (SM2A_ROWS === "multiscale") === m) : []) {
  const context = { rng: Xoshiro128.fromSeed(2), partition: 1, file: "synthetic", row: 0 };
  const samples = rows.map((row, i) => sm2aSample(row, { multiscale }, { ...context, row: i }) as SM2ASample);
  const first = collateSM2A(samples.slice(0, 1));
  const config = sm2aConfigForSize("tiny", { ctx_n: first.atoksLength, stoks_len: first.stoksLength, mtoks_len: first.mtoksLength, spk_width: first.artistEmbeddings.length });
  await run({
    label: `sm2a tiny, ${multiscale ? "multiscale window" : "full row"} (${first.atoksLength})`,
    tokensPerSample: first.atoksLength,
    build: () => new SM2ATrainableModel(config, { ...DEFAULT_SM2A_TUNABLES }, { seed: 0 }) as never,
    dataset: new InMemoryDataset({ samples, batchSize: BATCH, collate: collateSM2A, shuffle: false, seed: 0 }),
    module: here("./replica-models.ts"),
    options: { model: "sm2a", config, tunables: { ...DEFAULT_SM2A_TUNABLES } } as unknown as JsonValue,
    sizeKey: "size",
    split: (batch: SM2AHostBatch, parts: number) => splitSM2ABatch(batch, parts, config.codes),
    torch: { model: "sm2a", config, batches: torchBatches(samples, collateSM2A), steps: STEPS, threads: availableParallelism() },
  });
}
