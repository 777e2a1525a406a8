/** What can end a run early. */
export interface StopSources {
  /** Stops after the current optimizer step. */
  signal?: AbortSignal;
  /** Also stop on SIGINT/SIGTERM. */
  handleProcessSignals?: boolean;
  /** Stop once this many optimizer steps are taken in total. */
  maxSteps?: number;
}

/**
 * Whether the run should stop at the next step boundary (with a checkpoint): a SIGINT/SIGTERM
 * when the run listens for them, an aborted signal, or `maxSteps` reached.
 */
export class StopRequest {
  private signalReceived: string | undefined;
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.signalReceived = signal;
    this.log(`${signal} received: finishing the current step and saving a checkpoint`);
  };

  constructor(
    private readonly sources: StopSources,
    private readonly log: (line: string) => void,
  ) {}

  /** Starts listening for SIGINT/SIGTERM, when the run handles them; `release` stops. */
  listen(): void {
    if (this.sources.handleProcessSignals) {
      process.on("SIGINT", this.onSignal);
      process.on("SIGTERM", this.onSignal);
    }
  }

  release(): void {
    if (this.sources.handleProcessSignals) {
      process.off("SIGINT", this.onSignal);
      process.off("SIGTERM", this.onSignal);
    }
  }

  /** True once any source asks to stop, `step` being the optimizer steps taken so far. */
  requested(step: number): boolean {
    return this.signalReceived !== undefined || this.sources.signal?.aborted === true || (this.sources.maxSteps !== undefined && step >= this.sources.maxSteps);
  }

  /** Why the run stops, for the checkpoint's log line: the signal name, "abort" or "max steps". */
  reason(): string {
    return this.signalReceived ?? (this.sources.signal?.aborted ? "abort" : "max steps");
  }
}
