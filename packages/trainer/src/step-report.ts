import type { AccumulationWindow } from "./accumulation-window.js";
import type { MetricsWriter } from "./metrics-log.js";
import type { ProgressInfo } from "./progress.js";
import type { StepOutcome } from "./step-execution.js";

/** Where the run stands after an optimizer step (taken or skipped), for the report. */
export interface StepPosition {
  epoch: number;
  epochs: number;
  /** Batches of this epoch consumed so far, and the epoch's total. */
  batch: number;
  batchesPerEpoch: number;
  /** Optimizer steps taken so far, skipped steps so far, and the schedule's total. */
  step: number;
  skippedSteps: number;
  totalSteps: number;
  /** Seconds left at the run's pace (for the progress line). */
  etaSeconds?: number | undefined;
}

/**
 * Reports a closed window: its `train` metrics record (throughput over the window's wall time,
 * the window's metric averages last) and the progress callback.
 */
export async function reportStep(
  window: AccumulationWindow,
  outcome: StepOutcome,
  position: StepPosition,
  writeMetrics: MetricsWriter,
  onProgress: ((info: ProgressInfo) => void) | undefined,
): Promise<void> {
  const meanLoss = window.meanLoss();
  const seconds = window.seconds();
  const metricsAverages = window.metricAverages();
  await writeMetrics({
    type: "train",
    step: position.step,
    epoch: position.epoch,
    batch: position.batch,
    loss: meanLoss,
    lr: outcome.lr,
    beta1: outcome.point.beta1,
    grad_norm: outcome.norm,
    samples_per_second: window.samples / seconds,
    ...(window.tokens ? { tokens_per_second: window.tokens / seconds } : {}),
    ...metricsAverages,
  });
  onProgress?.({
    epoch: position.epoch,
    epochs: position.epochs,
    batch: position.batch,
    batchesPerEpoch: position.batchesPerEpoch,
    step: position.step,
    totalSteps: position.totalSteps,
    loss: meanLoss,
    lr: outcome.lr,
    samplesPerSecond: window.samples / seconds,
    ...(window.tokens ? { tokensPerSecond: window.tokens / seconds } : {}),
    skippedSteps: position.skippedSteps,
    ...(position.etaSeconds !== undefined ? { etaSeconds: position.etaSeconds } : {}),
  });
}
