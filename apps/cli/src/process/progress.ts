/**
 * The progress lines of `autosing process` on stderr: with --progress one per input row, else
 * one every --progress-every seconds (default 30), so a long partition in a scheduler's log shows
 * it is alive and how fast it goes, and a short one prints nothing.
 */
import type { StepProgress } from "@autosing/processing";

/** Seconds between progress lines without --progress: long enough that quick runs print none. */
export const DEFAULT_PROGRESS_SECONDS = 30;

export interface ProgressSettings {
  /** A line per row (--progress). */
  readonly everyRow: boolean;
  /** Seconds between lines otherwise; 0 turns them off. */
  readonly everySeconds: number;
}

/** `align partition 0: row 3/120 (id x), 0.42 rows/s` */
export function progressLine(progress: StepProgress, elapsedSeconds: number): string {
  const rate = elapsedSeconds > 0 ? progress.done / elapsedSeconds : 0;
  return `${progress.step} partition ${progress.partition}: row ${progress.done}/${progress.total} (id ${progress.id}), ${rate.toFixed(2)} rows/s\n`;
}

/**
 * The onProgress callback of one partition's run: it writes a line when the settings say so.
 * `now` (milliseconds) is injectable for tests.
 */
export function progressReporter(settings: ProgressSettings, write: (line: string) => void, now: () => number = () => performance.now()): ((progress: StepProgress) => void) | undefined {
  if (!settings.everyRow && settings.everySeconds <= 0) return undefined;
  const started = now();
  let lastLine = started;
  return (progress) => {
    const time = now();
    if (!settings.everyRow && time - lastLine < settings.everySeconds * 1000) return;
    lastLine = time;
    write(progressLine(progress, (time - started) / 1000));
  };
}
