/** The stages of a `sing` run, in order. */
export const SING_STAGES = ["load", "separate", "music", "embedding", "semantic", "acoustic", "decode"] as const;
export type SingStage = (typeof SING_STAGES)[number];

/** What `onProgress` receives: a stage starting or ending, or a decoding step inside one. */
export type SingProgress =
  | { readonly kind: "start"; readonly stage: SingStage }
  | { readonly kind: "done"; readonly stage: SingStage; readonly seconds: number }
  | { readonly kind: "step"; readonly stage: "semantic" | "acoustic"; readonly step: number; readonly total: number };

/** Times each stage and reports it; `timings` collects the seconds per stage. */
export class StageClock {
  readonly timings: Partial<Record<SingStage, number>> = {};

  constructor(
    private readonly report: ((progress: SingProgress) => void) | undefined,
    private readonly signal?: AbortSignal,
  ) {}

  async run<T>(stage: SingStage, work: () => Promise<T>): Promise<T> {
    this.signal?.throwIfAborted();
    this.report?.({ kind: "start", stage });
    const started = performance.now();
    const result = await work();
    const seconds = (performance.now() - started) / 1000;
    this.timings[stage] = (this.timings[stage] ?? 0) + seconds;
    this.report?.({ kind: "done", stage, seconds });
    return result;
  }

  step(stage: "semantic" | "acoustic", step: number, total: number): void {
    // Decoding steps are where a run spends its time: a cancel lands within one step.
    this.signal?.throwIfAborted();
    this.report?.({ kind: "step", stage, step, total });
  }
}
