import * as tf from "@tensorflow/tfjs-core";
import type { NamedTensorMap, Scalar, Tensor } from "@tensorflow/tfjs-core";

import type { DatasetItem } from "./contract.js";
import { scalarValue } from "./loss-result.js";
import type { BatchGradients } from "./step-execution.js";

/**
 * The batches accumulated towards one optimizer step: their summed gradients (by parameter
 * name) and what the step reports about them — the loss, the metrics, samples, tokens and the
 * wall time since the window opened.
 */
export class AccumulationWindow {
  private gradients: Map<string, Tensor> | undefined;
  /** Batches in the window. */
  batches = 0;
  /** Sum of the batches' losses (each as the model returned it, before division by the accumulation count). */
  loss = 0;
  samples = 0;
  tokens = 0;
  /** Sums of each metric over the window's batches. */
  metrics: Record<string, number> = {};
  private start = performance.now();

  /** Whether any gradient waits for an optimizer step. */
  get pending(): boolean {
    return this.gradients !== undefined;
  }

  /**
   * Adds one batch's backward pass (freeing its tensors): its metrics, its loss (times the
   * accumulation count it was divided by), its gradients, samples and tokens.
   */
  addBatch(pass: BatchGradients, item: Pick<DatasetItem<unknown>, "samples" | "tokens">, nameOfVariable: ReadonlyMap<string, string>, accumulateGradBatches: number): void {
    this.addMetrics(pass.metrics);
    this.loss += scalarValue(pass.value) * accumulateGradBatches;
    pass.value.dispose();
    this.addGradients(pass.grads, nameOfVariable);
    this.batches++;
    this.samples += item.samples;
    this.tokens += item.tokens ?? 0;
  }

  /** Reads and frees a batch's metric scalars into the window's sums. */
  private addMetrics(metrics: readonly [string, Scalar][]): void {
    for (const [name, metric] of metrics) {
      this.metrics[name] = (this.metrics[name] ?? 0) + scalarValue(metric);
      metric.dispose();
    }
  }

  /**
   * Adds a batch's gradients (keyed by tfjs variable name, stored by parameter name) to the
   * sum, freeing what the sum replaces; parameters the batch did not reach keep their sum.
   */
  private addGradients(grads: NamedTensorMap, nameOfVariable: ReadonlyMap<string, string>): void {
    const previous = this.gradients;
    const accumulated = new Map<string, Tensor>();
    this.gradients = accumulated;
    for (const [variableName, gradient] of Object.entries(grads)) {
      const name = nameOfVariable.get(variableName) ?? variableName;
      const before = previous?.get(name);
      if (before) {
        accumulated.set(name, tf.add(before, gradient));
        before.dispose();
        gradient.dispose();
      } else accumulated.set(name, gradient);
    }
    for (const [name, leftover] of previous ?? []) if (!accumulated.has(name)) accumulated.set(name, leftover);
  }

  /** Frees the gradients the window still holds (a run that stops mid-window, on an error). */
  dispose(): void {
    for (const gradient of this.takeGradients()?.values() ?? []) gradient.dispose();
  }

  /** The summed gradients, handed over to the caller (who disposes them); the window holds none after. */
  takeGradients(): Map<string, Tensor> | undefined {
    const gradients = this.gradients;
    this.gradients = undefined;
    return gradients;
  }

  /** Mean loss per batch of the window. */
  meanLoss(): number {
    return this.loss / this.batches;
  }

  /** Mean of each metric per batch of the window. */
  metricAverages(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.metrics).map(([k, v]) => [k, v / this.batches]));
  }

  /** Wall time since the window opened, in seconds (never zero, for rates). */
  seconds(): number {
    return Math.max(1e-9, (performance.now() - this.start) / 1000);
  }

  /** Opens the next window: counters and clock restart; metric names are kept (at 0) so records keep their key order. */
  reset(): void {
    this.batches = 0;
    this.loss = 0;
    this.samples = 0;
    this.tokens = 0;
    this.metrics = Object.fromEntries(Object.keys(this.metrics).map((k) => [k, 0]));
    this.start = performance.now();
  }
}
