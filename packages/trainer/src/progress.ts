/** One progress update, emitted after every optimizer step. */
export interface ProgressInfo {
  epoch: number;
  epochs: number;
  /** Batches of this epoch consumed so far, and the epoch's total. */
  batch: number;
  batchesPerEpoch: number;
  step: number;
  totalSteps: number;
  loss: number;
  lr: number;
  samplesPerSecond: number;
  tokensPerSecond?: number;
  skippedSteps: number;
  /** Seconds left at this run's pace so far (validation and checkpoints included); absent before it can be told. */
  etaSeconds?: number;
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-2 || magnitude >= 1e4) ? value.toExponential(2) : value.toFixed(3);
}

/** `1:02:03` for an hour and more, `2:03` below, `--` when unknown. */
export function formatDuration(seconds: number | undefined): string {
  if (seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return "--";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = String(whole % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

/** The progress line: `step 40/400 epoch 1/5 loss 3.214 lr 4.00e-03 52.1 samples/s ETA 12:04`. */
export function formatProgress(info: ProgressInfo): string {
  const tokens = info.tokensPerSecond !== undefined ? ` ${info.tokensPerSecond.toFixed(0)} tokens/s` : "";
  const skipped = info.skippedSteps ? ` skipped ${info.skippedSteps}` : "";
  return (
    `step ${info.step}/${info.totalSteps} epoch ${info.epoch + 1}/${info.epochs} loss ${formatNumber(info.loss)} ` +
    `lr ${info.lr.toExponential(2)} ${info.samplesPerSecond.toFixed(1)} samples/s${tokens}${skipped} ETA ${formatDuration(info.etaSeconds)}`
  );
}

/**
 * The time left from the pace of this run so far: wall time since the run (or resume) started
 * over the optimizer steps it took, times the steps left. Validation and checkpoint time is in
 * the pace, so the estimate includes them.
 */
export class EtaClock {
  private readonly started: number;

  constructor(
    private readonly firstStep: number,
    private readonly now: () => number = () => performance.now() / 1000,
  ) {
    this.started = now();
  }

  /** Seconds left at step `step` of `totalSteps`; undefined before this run's first step. */
  secondsLeft(step: number, totalSteps: number): number | undefined {
    const done = step - this.firstStep;
    if (done <= 0) return undefined;
    return ((this.now() - this.started) / done) * Math.max(0, totalSteps - step);
  }
}

/**
 * Renders progress on a terminal as one line rewritten in place; elsewhere (logs, CI) as a
 * plain line every `everySteps` steps (default 10) and at each epoch's end, so log files stay readable.
 */
export class ProgressBar {
  private lastLength = 0;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { interactive: boolean; everySteps?: number } = { interactive: false },
  ) {}

  update(info: ProgressInfo): void {
    const line = formatProgress(info);
    if (this.options.interactive) {
      this.write(`\r${line}${" ".repeat(Math.max(0, this.lastLength - line.length))}`);
      this.lastLength = line.length;
    } else if (info.step % (this.options.everySteps ?? 10) === 0 || info.step === info.totalSteps || info.batch === info.batchesPerEpoch) {
      this.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so the next message starts on its own line. */
  finish(): void {
    if (this.options.interactive && this.lastLength) this.write("\n");
    this.lastLength = 0;
  }
}
