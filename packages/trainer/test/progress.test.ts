import { describe, expect, it } from "vitest";

import { EtaClock, ProgressBar, type ProgressInfo, formatDuration, formatProgress } from "../src/index.js";

const info = (over: Partial<ProgressInfo> = {}): ProgressInfo => ({
  epoch: 0,
  epochs: 5,
  batch: 40,
  batchesPerEpoch: 80,
  step: 40,
  totalSteps: 400,
  loss: 3.2144,
  lr: 4e-3,
  samplesPerSecond: 52.08,
  skippedSteps: 0,
  ...over,
});

describe("the progress line", () => {
  it("shows step/total, epoch, loss, lr, samples/s and the ETA", () => {
    expect(formatProgress(info({ etaSeconds: 724 }))).toBe("step 40/400 epoch 1/5 loss 3.214 lr 4.00e-3 52.1 samples/s ETA 12:04");
    expect(formatProgress(info({ tokensPerSecond: 1234.4, skippedSteps: 2 }))).toBe(
      "step 40/400 epoch 1/5 loss 3.214 lr 4.00e-3 52.1 samples/s 1234 tokens/s skipped 2 ETA --",
    );
    expect([formatDuration(0), formatDuration(59.6), formatDuration(3723), formatDuration(undefined), formatDuration(Number.NaN)]).toEqual([
      "0:00",
      "1:00",
      "1:02:03",
      "--",
      "--",
    ]);
  });

  it("estimates the time left from this run's pace, from a resumed step on", () => {
    let now = 100;
    const clock = new EtaClock(10, () => now);
    expect(clock.secondsLeft(10, 50)).toBeUndefined();
    now = 104; // 2 steps in 4 s: 2 s per step, 38 steps left.
    expect(clock.secondsLeft(12, 50)).toBe(76);
    expect(clock.secondsLeft(50, 50)).toBe(0);
  });

  it("rewrites one line on a terminal, prints every N steps and at epoch ends elsewhere", () => {
    const tty: string[] = [];
    const bar = new ProgressBar((t) => tty.push(t), { interactive: true });
    bar.update(info({ step: 1, loss: 10 }));
    bar.update(info({ step: 2 }));
    bar.finish();
    expect(tty[0]?.startsWith("\rstep 1/400")).toBe(true);
    // A shorter line blanks what the longer one left.
    expect(tty[1]).toMatch(/^\rstep 2\/400 .* ETA --\s+$/);
    expect(tty[1]?.length).toBe(tty[0]?.length);
    expect(tty[2]).toBe("\n");

    const log: string[] = [];
    const plain = new ProgressBar((t) => log.push(t), { interactive: false, everySteps: 3 });
    for (let step = 1; step <= 7; step++) plain.update(info({ step, batch: step, batchesPerEpoch: 5 }));
    expect(log.map((l) => l.split(" ")[1])).toEqual(["3/400", "5/400", "6/400"]);
    expect(log.every((l) => l.endsWith("\n") && !l.includes("\r"))).toBe(true);
  });
});
