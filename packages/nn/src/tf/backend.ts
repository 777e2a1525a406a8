/**
 * The one TensorFlow.js backend selector of autosing: the trainer's fallback order
 * (`selectTfBackend`) and the tests' and benches' direct choice (`useTfBackend`) prepare a
 * backend the same way — gradients registered, the one-pass kernels installed, and on wasm the
 * fast matmul path plus cpu bridges for the kernels it lacks.
 */
import { availableParallelism } from "node:os";

import * as tf from "@tensorflow/tfjs-core";

import { NnError } from "../errors.js";
import { registerFastKernels } from "./kernels.js";
import { bridgeMissingWasmKernels } from "./wasm-kernel-bridge.js";
import { openNativeMatMul } from "./native-matmul.js";
import { materializeWasmMatMulTransposes, useNativeWasmMatMul } from "./wasm-matmul.js";

/** The backends autosing trains on, fastest first (DESIGN.md §3). */
export const TF_BACKEND_PREFERENCE = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type TfBackendChoice = (typeof TF_BACKEND_PREFERENCE)[number];

/** tfjs's own names of the backends (`tensorflow` for both native packages). */
export type TfBackendName = "tensorflow" | "wasm" | "cpu";

/** A backend that did not load, and the first line of why. */
export interface TfBackendAttempt {
  backend: TfBackendChoice;
  error: string;
}

export interface SelectedTfBackend {
  /** The choice that loaded. */
  backend: TfBackendChoice;
  /** tfjs's own name for it (`tensorflow` for both native packages). */
  tfjsName: TfBackendName;
  /** Backends tried before it and why each failed. */
  skipped: TfBackendAttempt[];
  /** Kernels the wasm backend lacks that were supplied (bridged to the cpu implementation, or UnsortedSegmentSum's host kernel). */
  bridgedKernels: string[];
  /**
   * Where wasm's float32 matrix products run: `onnxruntime` (native GEMM, `threads` intra-op
   * threads) or `wasm` (XNNPACK in the wasm module; `reason` says why when native was asked for).
   * Absent on the other backends.
   */
  matMul?: { engine: "onnxruntime"; threads: number } | { engine: "wasm"; reason: string };
}

export interface TfBackendOptions {
  /**
   * Intra-op threads of onnxruntime's native GEMM behind the wasm backend's matrix products
   * (default: the machine's cores; data-parallel replicas give each its share). 0 keeps them in
   * the wasm module (XNNPACK, one thread). Ignored on the other backends.
   */
  matMulThreads?: number;
}

/** What `selectTfBackend` found: the backend that loaded (undefined when none did) and every one that failed before it. */
export interface TfBackendSelection {
  selected: SelectedTfBackend | undefined;
  failed: TfBackendAttempt[];
}

/**
 * Registers every tfjs gradient function. tfjs-core registers none by itself; the @tensorflow/tfjs
 * bundle registers them all on the shared engine when loaded. It is loaded on demand because it
 * takes about a second, which inference-only users of this package should not pay.
 */
export async function registerTfGradients(): Promise<void> {
  await import("@tensorflow/tfjs");
  registerFastKernels();
}

/**
 * The native packages are optional and download libtensorflow while installing, so they are
 * imported by a name the compiler does not resolve: where they are absent or their binary is
 * missing, the import throws and the next backend is tried.
 */
async function importOptional(name: string): Promise<void> {
  await import(name);
}

/**
 * Initialises the first backend of `candidates` that loads (default: `@tensorflow/tfjs-node-gpu`,
 * then `@tensorflow/tfjs-node`, then wasm, then cpu). Restricting the candidates (e.g. `["cpu"]`)
 * is how tests that must be bit-reproducible across machines choose. Never throws for a backend
 * that does not load: the caller decides what no backend means (the trainer's
 * `selectBackend` throws its `BackendUnavailableError`, `useTfBackend` an `NnError`).
 */
export async function selectTfBackend(candidates: readonly TfBackendChoice[] = TF_BACKEND_PREFERENCE, options: TfBackendOptions = {}): Promise<TfBackendSelection> {
  await registerTfGradients();
  await import("@tensorflow/tfjs-backend-cpu");
  await import("@tensorflow/tfjs-backend-wasm");
  // After the backend packages: loading tfjs-backend-cpu later would put its own slow kernel back.
  registerFastKernels();
  const skipped: TfBackendAttempt[] = [];
  for (const choice of candidates) {
    try {
      if (choice === "tensorflow-gpu" || choice === "tensorflow") {
        await importOptional(choice === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node");
        if (!(await tf.setBackend("tensorflow"))) throw new Error("setBackend('tensorflow') returned false");
        return { selected: { backend: choice, tfjsName: "tensorflow", skipped, bridgedKernels: [] }, failed: skipped };
      }
      if (!(await tf.setBackend(choice))) throw new Error(`setBackend('${choice}') returned false`);
      await tf.ready();
      if (choice === "cpu") return { selected: { backend: choice, tfjsName: choice, skipped, bridgedKernels: [] }, failed: skipped };
      materializeWasmMatMulTransposes();
      const bridgedKernels = bridgeMissingWasmKernels();
      return { selected: { backend: choice, tfjsName: choice, skipped, bridgedKernels, matMul: useWasmMatMulEngine(options.matMulThreads ?? availableParallelism()) }, failed: skipped };
    } catch (error) {
      skipped.push({ backend: choice, error: firstLine(error) });
    }
  }
  return { selected: undefined, failed: skipped };
}

/**
 * Puts wasm's matrix products on onnxruntime's native GEMM with `threads` threads (the previous
 * native matmul, if any, is released), or keeps them in the wasm module for 0 or where
 * onnxruntime-node offers no synchronous binding.
 */
function useWasmMatMulEngine(threads: number): NonNullable<SelectedTfBackend["matMul"]> {
  if (!Number.isInteger(threads) || threads < 0) throw new NnError(`matMulThreads must be a whole number ≥ 0, got ${threads}`);
  let engine: NonNullable<SelectedTfBackend["matMul"]>;
  let native: ReturnType<typeof openNativeMatMul> | undefined;
  if (threads === 0) {
    engine = { engine: "wasm", reason: "matMulThreads 0" };
  } else {
    try {
      native = openNativeMatMul(threads);
      engine = { engine: "onnxruntime", threads };
    } catch (error) {
      engine = { engine: "wasm", reason: firstLine(error) };
    }
  }
  useNativeWasmMatMul(native)?.release();
  return engine;
}

/**
 * Makes `name` the tfjs backend, prepared for training as `selectTfBackend` prepares it (cpu is
 * always available; `tensorflow` needs the optional `@tensorflow/tfjs-node`). Returns tfjs's name
 * of the active backend; throws an `NnError` naming the cause when it does not load.
 */
export async function useTfBackend(name: TfBackendChoice = "cpu", options: TfBackendOptions = {}): Promise<string> {
  const { selected, failed } = await selectTfBackend([name], options);
  if (!selected) throw new NnError(`tfjs backend ${name} could not be initialised: ${failed.map((f) => f.error).join("; ")}`);
  return tf.getBackend();
}

/** One line saying which backend runs, for the CLI and the benches. */
export function describeTfBackend(selected: SelectedTfBackend): string {
  const extra = selected.skipped.length ? ` (skipped ${selected.skipped.map((s) => `${s.backend}: ${s.error}`).join("; ")})` : "";
  const bridged = selected.bridgedKernels.length ? `, ${selected.bridgedKernels.length} kernels bridged to cpu` : "";
  const matMul = !selected.matMul ? "" : selected.matMul.engine === "onnxruntime" ? `, matrix products on onnxruntime (${selected.matMul.threads} threads)` : `, matrix products in wasm (${selected.matMul.reason})`;
  return `tfjs backend: ${selected.backend}${bridged}${matMul}${extra}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/^Cannot find (package|module) '@tensorflow\/tfjs-node/.test(text)) return "not installed";
  return (text.split("\n")[0] ?? "").slice(0, 160);
}
