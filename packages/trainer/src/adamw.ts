import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Variable } from "@tensorflow/tfjs-core";

import type { TrainableParameter } from "./contract.js";
import { ModelContractError, TrainerConfigError } from "./errors.js";
import { DEFAULT_BETA1, DEFAULT_BETA2 } from "./schedule.js";

/** One parameter group: the parameters that share an lr scale and a weight decay. */
export interface ParameterGroup {
  /** lr0 × lrScale: the group's lr before the schedule factor (OneCycleLR's max_lr). */
  baseLr: number;
  weightDecay: number;
  lrScale: number;
  noWeightDecay: boolean;
  parameters: TrainableParameter[];
}

/**
 * Port of autosing/train.py: TrainingTask.configure_optimizers' grouping: parameters with the
 * same (weight decay, lr) share a group. Differs in form, not effect: upstream reads the
 * attributes from modules, we read them from each parameter.
 */
export function groupParameters(
  parameters: readonly TrainableParameter[],
  lr0: number,
  weightDecay: number,
): ParameterGroup[] {
  if (!(lr0 > 0) || !Number.isFinite(lr0)) throw new TrainerConfigError("lr0", lr0, "must be a positive number");
  if (!(weightDecay >= 0) || !Number.isFinite(weightDecay)) {
    throw new TrainerConfigError("weight_decay", weightDecay, "must be a non-negative number");
  }
  const groups = new Map<string, ParameterGroup>();
  const seen = new Set<string>();
  for (const parameter of parameters) {
    if (seen.has(parameter.name)) throw new ModelContractError(`parameter name "${parameter.name}" appears twice`);
    seen.add(parameter.name);
    if (!parameter.variable.trainable) continue;
    const lrScale = parameter.lrScale ?? 1;
    if (!(lrScale > 0) || !Number.isFinite(lrScale)) {
      throw new ModelContractError(`parameter "${parameter.name}" has lrScale ${lrScale}; it must be a positive number`);
    }
    const noWeightDecay = parameter.noWeightDecay ?? false;
    const key = `${lrScale}/${noWeightDecay}`;
    let group = groups.get(key);
    if (!group) {
      group = { baseLr: lr0 * lrScale, weightDecay: noWeightDecay ? 0 : weightDecay, lrScale, noWeightDecay, parameters: [] };
      groups.set(key, group);
    }
    group.parameters.push(parameter);
  }
  return [...groups.values()];
}

export interface AdamWOptions {
  beta2?: number;
  eps?: number;
}

/** Adam moments of one parameter, named as torch's optimizer state (`exp_avg`, `exp_avg_sq`). */
interface Moments {
  expAvg: Variable;
  expAvgSq: Variable;
}

/**
 * AdamW with decoupled weight decay, port of torch.optim.AdamW's single-tensor update
 * (amsgrad off, maximize off): p ← p·(1 − lr·wd); m ← β1·m + (1 − β1)·g; v ← β2·v + (1 − β2)·g²;
 * p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε). β1 is given per step because
 * OneCycleLR cycles it; like torch, the bias correction uses the current β1.
 */
export class AdamW {
  readonly beta2: number;
  readonly eps: number;
  /** Completed updates (torch's per-parameter `step`, shared here since all update together). */
  stepCount = 0;
  private readonly moments = new Map<string, Moments>();

  constructor(
    readonly groups: readonly ParameterGroup[],
    options: AdamWOptions = {},
  ) {
    this.beta2 = options.beta2 ?? DEFAULT_BETA2;
    this.eps = options.eps ?? 1e-8;
    for (const group of groups) {
      for (const { name, variable } of group.parameters) {
        this.moments.set(name, {
          // Unnamed: tfjs variable names are global, and two optimizers may hold the same model's names.
          expAvg: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
          expAvgSq: tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        });
      }
    }
  }

  /**
   * Applies one update. `gradients` maps parameter names to gradients (a parameter without
   * one is left alone, as torch skips params whose grad is None).
   */
  step(gradients: ReadonlyMap<string, Tensor>, lrFactor: number, beta1: number = DEFAULT_BETA1): void {
    const t = this.stepCount + 1;
    const biasCorrection1 = 1 - beta1 ** t;
    const biasCorrection2Sqrt = Math.sqrt(1 - this.beta2 ** t);
    for (const group of this.groups) {
      const lr = group.baseLr * lrFactor;
      for (const { name, variable } of group.parameters) {
        const gradient = gradients.get(name);
        if (!gradient) continue;
        const moments = this.moments.get(name) as Moments;
        tf.tidy(() => {
          const decayed = group.weightDecay !== 0 ? tf.mul(variable, 1 - lr * group.weightDecay) : variable;
          const expAvg = tf.add(tf.mul(moments.expAvg, beta1), tf.mul(gradient, 1 - beta1));
          const expAvgSq = tf.add(tf.mul(moments.expAvgSq, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
          const denom = tf.add(tf.div(tf.sqrt(expAvgSq), biasCorrection2Sqrt), this.eps);
          const updated = tf.sub(decayed, tf.mul(tf.div(expAvg, denom), lr / biasCorrection1));
          moments.expAvg.assign(expAvg);
          moments.expAvgSq.assign(expAvgSq);
          variable.assign(updated);
        });
      }
    }
    this.stepCount = t;
  }

  /** The moments as named tensors (`<param>.exp_avg`, `<param>.exp_avg_sq`), for checkpoints. */
  stateTensors(): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [name, { expAvg, expAvgSq }] of this.moments) {
      out.set(`${name}.exp_avg`, expAvg);
      out.set(`${name}.exp_avg_sq`, expAvgSq);
    }
    return out;
  }

  /** Restores moments saved by `stateTensors` (host arrays by name) and the step count. */
  loadState(tensors: ReadonlyMap<string, { data: Float32Array; shape: number[] }>, stepCount: number): void {
    for (const [name, { expAvg, expAvgSq }] of this.moments) {
      for (const [suffix, target] of [
        ["exp_avg", expAvg],
        ["exp_avg_sq", expAvgSq],
      ] as const) {
        const saved = tensors.get(`${name}.${suffix}`);
        if (!saved) throw new ModelContractError(`optimizer state lacks "${name}.${suffix}"`);
        if (saved.shape.join(",") !== target.shape.join(",")) {
          throw new ModelContractError(
            `optimizer state "${name}.${suffix}" has shape [${saved.shape.join(", ")}], the parameter has [${target.shape.join(", ")}]`,
          );
        }
        tf.tidy(() => target.assign(tf.tensor(saved.data, saved.shape, "float32")));
      }
    }
    this.stepCount = stepCount;
  }

  dispose(): void {
    for (const { expAvg, expAvgSq } of this.moments.values()) {
      expAvg.dispose();
      expAvgSq.dispose();
    }
    this.moments.clear();
  }
}
