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
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  return magnitude !== 0 && (magnitude < 1e-2 || magnitude >= 1e4) ? value.toExponential(2) : value.toFixed(3);
}

/** The progress line: `epoch 1/5 [#####.....] 40/80 step 40/400 loss 3.214 lr 4.00e-3 52.1 samples/s`. */
export function formatProgress(info: ProgressInfo, width = 20): string {
  const fraction = info.batchesPerEpoch > 0 ? Math.min(1, info.batch / info.batchesPerEpoch) : 0;
  const filled = Math.round(fraction * width);
  const bar = `${"#".repeat(filled)}${".".repeat(width - filled)}`;
  const tokens = info.tokensPerSecond !== undefined ? ` ${info.tokensPerSecond.toFixed(0)} tokens/s` : "";
  const skipped = info.skippedSteps ? ` skipped ${info.skippedSteps}` : "";
  return (
    `epoch ${info.epoch + 1}/${info.epochs} [${bar}] ${info.batch}/${info.batchesPerEpoch} ` +
    `step ${info.step}/${info.totalSteps} loss ${formatNumber(info.loss)} lr ${info.lr.toExponential(2)} ` +
    `${info.samplesPerSecond.toFixed(1)} samples/s${tokens}${skipped}`
  );
}

/**
 * Renders progress on a terminal as one line rewritten in place; elsewhere (logs, CI) as a
 * plain line every `everySteps` steps so log files stay readable.
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
    } else if (info.step % (this.options.everySteps ?? 10) === 0 || info.step === info.totalSteps) {
      this.write(`${line}\n`);
    }
  }

  /** Ends the in-place line so the next message starts on its own line. */
  finish(): void {
    if (this.options.interactive && this.lastLength) this.write("\n");
    this.lastLength = 0;
  }
}
