/**
 * The PyTorch-CPU anchor of the model benches: runs `upstream-step-torch.py` (upstream AutoSing's
 * t2s / sm2a training step, built from the upstream source) on the same collated rows our bench
 * trains on, written to a temporary JSON file the script reads, and returns its samples/s.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import type { SM2AConfig } from "@autosing/sm2a-model";
import type { T2SConfig } from "@autosing/t2s-model";

import type { SM2AHostBatch, T2SHostBatch } from "../src/index.js";

export const PYTHON = "/usr/bin/python3";
const SCRIPT = join(import.meta.dirname, "upstream-step-torch.py");

export interface TorchStepReport {
  samples_per_second: number;
  forward_ms: number;
  backward_ms: number;
  update_ms: number;
  threads: number;
  torch: string;
  batch: number;
}

/** `undefined` when `/usr/bin/python3 -c 'import torch'` works, else the one line that says why not. */
export function torchUnavailable(): string | undefined {
  const probe = spawnSync(PYTHON, ["-c", "import torch"], { encoding: "utf8" });
  if (probe.status === 0) return undefined;
  const why = probe.error?.message ?? probe.stderr.trim().split("\n").pop() ?? `exit ${probe.status}`;
  return `PyTorch-CPU anchor skipped: ${PYTHON} -c 'import torch' failed (${why})`;
}

interface Field {
  shape: number[];
  data: number[];
}
const field = (shape: number[], data: ArrayLike<number>): Field => ({ shape, data: Array.from(data) });

/** A collated t2s batch as upstream T2SDataset.entries' tuple (in_ttoks, out_ttoks, languages, cpss, in_stoks, mtoks, out_stoks). */
export function t2sTorchBatch(batch: T2SHostBatch): Record<string, Field> {
  const { size: b, ttoksLength, stoksLength, mtoksLength } = batch;
  return {
    in_ttoks: field([b, ttoksLength], batch.inTtoks),
    out_ttoks: field([b, ttoksLength], batch.outTtoks),
    languages: field([b], batch.languages),
    cpss: field([b], batch.cps),
    in_stoks: field([b, stoksLength], batch.inStoks),
    mtoks: field([b, batch.mtoks.length / (b * mtoksLength), mtoksLength], batch.mtoks),
    out_stoks: field([b, stoksLength], batch.outStoks),
  };
}

/** A collated sm2a batch as upstream SM2ADataset.entries' tuple (stoks, atoks, mtoks, spk_embs, atoks_positions). */
export function sm2aTorchBatch(batch: SM2AHostBatch): Record<string, Field> {
  const { size: b, stoksLength, atoksLength, mtoksLength } = batch;
  return {
    stoks: field([b, stoksLength], batch.stoks),
    atoks: field([b, batch.atoks.length / (b * atoksLength), atoksLength], batch.atoks),
    mtoks: field([b, batch.mtoks.length / (b * mtoksLength), mtoksLength], batch.mtoks),
    spk_embs: field([b, batch.artistEmbeddings.length / b], batch.artistEmbeddings),
    atoks_positions: field([b, atoksLength], batch.atoksPositions),
  };
}

export type TorchStepRequest =
  | { model: "t2s"; config: T2SConfig; batches: T2SHostBatch[]; steps: number; threads: number }
  | { model: "sm2a"; config: SM2AConfig; batches: SM2AHostBatch[]; steps: number; threads: number };

/** Runs upstream's training step `steps` times after one warm-up; throws with the script's last stderr line on failure. */
export function runUpstreamStep(request: TorchStepRequest): TorchStepReport {
  const folder = mkdtempSync(join(tmpdir(), "autosing-torch-anchor-"));
  try {
    const file = join(folder, "request.json");
    const batches = request.model === "t2s" ? request.batches.map(t2sTorchBatch) : request.batches.map(sm2aTorchBatch);
    writeFileSync(file, JSON.stringify({ model: request.model, config: request.config, steps: request.steps, threads: request.threads, batches }));
    const result = spawnSync(PYTHON, [SCRIPT, file], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (result.status !== 0) {
      throw new Error(`upstream ${request.model} step failed (${SCRIPT}): ${result.error?.message ?? result.stderr.trim().split("\n").pop()}`);
    }
    return JSON.parse(result.stdout.trim().split("\n").pop() ?? "") as TorchStepReport;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
