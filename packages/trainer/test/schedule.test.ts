import { describe, expect, it } from "vitest";

import { TrainerConfigError, oneCycle, scheduleAt, validateSchedule } from "../src/index.js";

// Golden values: torch.optim.lr_scheduler.OneCycleLR's get_lr (anneal_strategy "cos",
// div_factor 25, final_div_factor 25, cycle_momentum with base 0.85 / max 0.95), transcribed
// in float64 Python; (lr / max_lr, beta1) per step.
const ONE_CYCLE_10_STEPS_PCT_03: [number, number][] = [
  [0.040000000000000036, 0.95],
  [0.52, 0.8999999999999999],
  [1.0, 0.85],
  [0.9505636588568875, 0.854951556604879],
  [0.8120461090878798, 0.8688255099070633],
  [0.6118824502309921, 0.8888739533021842],
  [0.38971754976900785, 0.9111260466978157],
  [0.18955389091212022, 0.9311744900929366],
  [0.05103634114311241, 0.945048443395121],
  [0.0016, 0.95],
  [0.051036341143112354, 0.945048443395121],
];
const ONE_CYCLE_7_STEPS_WARMUP_2: [number, number][] = [
  [0.040000000000000036, 0.95],
  [1.0, 0.85],
  [0.9046612835919737, 0.8595491502812526],
  [0.6550612835919738, 0.8845491502812526],
  [0.34653871640802625, 0.9154508497187474],
  [0.09693871640802629, 0.9404508497187474],
  [0.0016, 0.95],
  [0.09693871640802618, 0.9404508497187474],
];

describe("one-cycle (cosine) schedule", () => {
  it("matches OneCycleLR over 10 steps with pct_start 0.3", () => {
    ONE_CYCLE_10_STEPS_PCT_03.forEach(([lr, beta1], step) => {
      const point = oneCycle(step, 10, 0.3);
      expect(point.lrFactor).toBeCloseTo(lr, 12);
      expect(point.beta1).toBeCloseTo(beta1, 12);
    });
    expect(() => oneCycle(11, 10, 0.3)).toThrow(TrainerConfigError);
  });

  it("uses pct_start = min(0.3, warmup/total) like upstream", () => {
    ONE_CYCLE_7_STEPS_WARMUP_2.slice(0, 7).forEach(([lr, beta1], step) => {
      const point = scheduleAt({ schedule: "cosine", totalSteps: 7, warmupSteps: 2 }, step);
      expect(point.lrFactor).toBeCloseTo(lr, 12);
      expect(point.beta1).toBeCloseTo(beta1, 12);
    });
    // A long warmup is capped at 30 % of the run.
    expect(scheduleAt({ schedule: "cosine", totalSteps: 10, warmupSteps: 100 }, 2).lrFactor).toBeCloseTo(1, 12);
  });

  it("refuses the warmup that makes torch divide by zero", () => {
    expect(() => validateSchedule({ schedule: "cosine", totalSteps: 20, warmupSteps: 1 })).toThrow(/divides by zero/);
    expect(() => validateSchedule({ schedule: "cosine", totalSteps: 20, warmupSteps: 2 })).not.toThrow();
  });
});

describe("linear, wsd and const schedules", () => {
  it("linear warms up from 1e-3 then decays to 1/25 (SequentialLR of two LinearLR)", () => {
    const at = (step: number) => scheduleAt({ schedule: "linear", totalSteps: 14, warmupSteps: 4 }, step).lrFactor;
    expect(at(0)).toBeCloseTo(1e-3, 15);
    expect(at(1)).toBeCloseTo(1e-3 + 0.999 * 0.25, 15);
    expect(at(3)).toBeCloseTo(1e-3 + 0.999 * 0.75, 15);
    expect(at(4)).toBe(1);
    expect(at(9)).toBeCloseTo(1 + ((1 / 25 - 1) * 5) / 10, 15);
    expect(at(14)).toBeCloseTo(1 / 25, 15);
    expect(at(20)).toBeCloseTo(1 / 25, 15);
    expect(scheduleAt({ schedule: "linear", totalSteps: 14, warmupSteps: 4 }, 5).beta1).toBe(0.9);
  });

  it("wsd holds the peak, then drops to 1/8 for the last 10 % (MultiStepLR milestone int(total − warmup − 0.1·total))", () => {
    const at = (step: number) => scheduleAt({ schedule: "wsd", totalSteps: 100, warmupSteps: 10 }, step).lrFactor;
    expect(at(0)).toBeCloseTo(1e-3, 15);
    expect(at(10)).toBe(1);
    // milestone = int(100 − 10 − 10) = 80 steps after warmup → step 90.
    expect(at(89)).toBe(1);
    expect(at(90)).toBe(1 / 8);
    expect(at(99)).toBe(1 / 8);
  });

  it("const keeps lr0", () => {
    for (const step of [0, 3, 99]) expect(scheduleAt({ schedule: "const", totalSteps: 100, warmupSteps: 10 }, step)).toEqual({ lrFactor: 1, beta1: 0.9 });
  });

  it("rejects unknown names and bad step counts", () => {
    expect(() => validateSchedule({ schedule: "triangle" as "const", totalSteps: 10, warmupSteps: 0 })).toThrow(/expected one of cosine/);
    expect(() => validateSchedule({ schedule: "const", totalSteps: 0, warmupSteps: 0 })).toThrow(/positive integer/);
  });
});
