/** How `autosing demo` reports its work: numbered stages, one line when each starts and one when it ends, with its time. */
import type { StepResult } from "@autosing/processing";

import { PARTITIONS } from "./layout.js";

/** Runs `work` as the next numbered stage; `summary` words its result on the closing line. */
export type Stage = <T>(name: string, work: () => Promise<T>, summary: (value: T) => string) => Promise<T>;

/** Numbered stages that print on `say`. */
export function stageRunner(say: (text: string) => void): Stage {
  let stageNumber = 0;
  return async (name, work, summary) => {
    stageNumber += 1;
    const t0 = performance.now();
    say(`[${stageNumber}] ${name} …`);
    const value = await work();
    say(`[${stageNumber}] ${name}: ${summary(value)} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    return value;
  };
}

function describeStep(result: StepResult): string {
  if (result.skipped) return "exists, skipped";
  const failed = result.failures.length > 0 ? `, ${result.failures.length} failed` : "";
  return `${result.rowsOut} rows${failed}`;
}

/** Runs a processing step on each partition in turn; resolves to one summary for all of them. */
export async function eachPartition(work: (partition: number) => Promise<StepResult>): Promise<string> {
  const results: string[] = [];
  for (let p = 0; p < PARTITIONS; p++) results.push(`partition ${p}: ${describeStep(await work(p))}`);
  return results.join("; ");
}
