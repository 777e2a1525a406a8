/**
 * What every importer bench shares: its command-line options (`--repeats`, `--threads`,
 * `--python`, and any `--name value` a bench adds) and how it reports time and memory.
 */
import { availableParallelism } from "node:os";

const args = process.argv.slice(2);

/** The value after `--<name>` on the command line, or `fallback`. */
export function benchOption(name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? (args[index + 1] ?? fallback) : fallback;
}

/** Threads for both engines (onnxruntime intra-op, torch.set_num_threads); default all cores. */
export const benchThreads = Number(benchOption("threads", "0")) || availableParallelism();
/** The Python with PyTorch that runs the upstream side (Debian's python3-torch). */
export const benchPython = benchOption("python", "/usr/bin/python3");

export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
/** Peak resident memory of this process so far, in bytes. */
export const peakRss = (): number => process.resourceUsage().maxRSS * 1024;
