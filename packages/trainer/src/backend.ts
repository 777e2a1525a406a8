// The umbrella package registers every op's gradient; tfjs-core alone registers none, so
// variableGrads would fail with "gradient function not found". Its import is a side effect.
import "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import type { KernelBackend, KernelConfig, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs-core";

import { BackendUnavailableError, TrainerConfigError } from "./errors.js";

/** The backends the trainer knows, fastest first. */
export const BACKEND_PREFERENCE = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendChoice = (typeof BACKEND_PREFERENCE)[number];

export interface BackendAttempt {
  backend: BackendChoice;
  error: string;
}

export interface SelectedBackend {
  /** The choice that loaded. */
  backend: BackendChoice;
  /** tfjs's own name for it (`tensorflow` for both native packages). */
  tfjsName: string;
  /** Backends tried before it and why each failed. */
  skipped: BackendAttempt[];
  /** Kernels the wasm backend lacks that were bridged to the cpu implementation. */
  bridgedKernels: string[];
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
 * Initialises the fastest tfjs backend that loads: `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node`, then wasm, then cpu. `only` restricts the choice (e.g. `["cpu"]`
 * in tests that must be bit-reproducible across machines).
 */
export async function selectBackend(options: { only?: readonly BackendChoice[] } = {}): Promise<SelectedBackend> {
  const order = options.only ?? BACKEND_PREFERENCE;
  for (const choice of order) {
    if (!BACKEND_PREFERENCE.includes(choice)) {
      throw new TrainerConfigError("backend", choice, `expected one of ${BACKEND_PREFERENCE.join(", ")}`);
    }
  }
  const skipped: BackendAttempt[] = [];
  for (const choice of order) {
    try {
      if (choice === "tensorflow-gpu" || choice === "tensorflow") {
        await importOptional(choice === "tensorflow-gpu" ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node");
        if (!(await tf.setBackend("tensorflow"))) throw new Error("setBackend('tensorflow') returned false");
        return { backend: choice, tfjsName: "tensorflow", skipped, bridgedKernels: [] };
      }
      if (!(await tf.setBackend(choice))) throw new Error(`setBackend('${choice}') returned false`);
      await tf.ready();
      if (choice === "cpu") {
        registerFastUnsortedSegmentSum("cpu", (backend, shape, dtype, values) =>
          (backend as KernelBackend & { makeTensorInfo(s: number[], d: tf.DataType, v: Float32Array | Int32Array): TensorInfo }).makeTensorInfo(shape, dtype, values),
        );
      }
      if (choice === "wasm") materializeWasmMatMulTransposes();
      const bridgedKernels = choice === "wasm" ? bridgeMissingWasmKernels() : [];
      return { backend: choice, tfjsName: choice, skipped, bridgedKernels };
    } catch (error) {
      skipped.push({ backend: choice, error: firstLine(error) });
    }
  }
  throw new BackendUnavailableError(skipped);
}

/** One line saying which backend runs, for the CLI and bench. */
export function describeBackend(selected: SelectedBackend): string {
  const extra = selected.skipped.length
    ? ` (skipped ${selected.skipped.map((s) => `${s.backend}: ${s.error}`).join("; ")})`
    : "";
  const bridged = selected.bridgedKernels.length ? `, ${selected.bridgedKernels.length} kernels bridged to cpu` : "";
  return `tfjs backend: ${selected.backend}${bridged}${extra}`;
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  if (/^Cannot find (package|module) '@tensorflow\/tfjs-node/.test(text)) return "not installed";
  return (text.split("\n")[0] ?? "").slice(0, 160);
}

interface WasmBackendLike extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number, values?: tf.backend_util.BackendValues): TensorInfo;
}

const bridged = new Set<string>();

/** Kernels not worth bridging: complex, string and ragged outputs, which the wasm backend cannot hold, and browser drawing. */
const NOT_BRIDGED = new Set([
  "Complex",
  "ComplexAbs",
  "Draw",
  "FFT",
  "IFFT",
  "Imag",
  "Real",
  "RaggedGather",
  "RaggedRange",
  "RaggedTensorToTensor",
  "StaticRegexReplace",
  "StringNGrams",
  "StringSplit",
  "StringToHashBucketFast",
]);

/**
 * Registers, for every kernel the cpu backend has and the wasm backend lacks (UnsortedSegmentSum,
 * which the gradient of gather needs, is the one that matters for training), a wasm kernel that
 * copies its inputs to the cpu backend, runs the cpu kernel and copies the outputs back. Slower
 * than a native kernel, but exact, and only on ops wasm cannot run at all.
 */
export function bridgeMissingWasmKernels(): string[] {
  registerWasmUnsortedSegmentSum();
  const cpu = tf.engine().findBackend("cpu");
  if (!cpu) return [...bridged].sort();
  const wasmKernels = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
  const added: string[] = [];
  for (const cpuKernel of tf.getKernelsForBackend("cpu")) {
    if (wasmKernels.has(cpuKernel.kernelName) || bridged.has(cpuKernel.kernelName) || NOT_BRIDGED.has(cpuKernel.kernelName)) continue;
    const config: KernelConfig = {
      kernelName: cpuKernel.kernelName,
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wasm = backend as WasmBackendLike;
        const cpuInputs: NamedTensorInfoMap = {};
        const created: object[] = [];
        for (const [name, info] of Object.entries(inputs)) {
          if (info == null) continue;
          const dataId = cpu.write(wasm.readSync(info.dataId), info.shape, info.dtype);
          created.push(dataId);
          cpuInputs[name] = { dataId, shape: info.shape, dtype: info.dtype };
        }
        const result = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs: attrs ?? {}, backend: cpu });
        const outputs = (Array.isArray(result) ? result : [result]).map((out) => {
          const copied = wasm.makeOutput(out.shape, out.dtype, undefined, cpu.readSync(out.dataId));
          cpu.disposeData(out.dataId);
          return copied;
        });
        for (const dataId of created) cpu.disposeData(dataId);
        return Array.isArray(result) ? outputs : (outputs[0] as TensorInfo);
      },
    };
    tf.registerKernel(config);
    bridged.add(cpuKernel.kernelName);
    added.push(cpuKernel.kernelName);
  }
  return [...bridged].sort();
}

/**
 * UnsortedSegmentSum (the gradient of gather, so of every embedding) as one linear scatter-add
 * pass on the host. The cpu backend's version runs a masked reduction per segment — one pass
 * over the data for each of a vocabulary's thousands of rows — so bridging it would be slow.
 */
function registerWasmUnsortedSegmentSum(): void {
  if (bridged.has("UnsortedSegmentSum") || tf.getKernel("UnsortedSegmentSum", "wasm")) return;
  registerFastUnsortedSegmentSum("wasm", (backend, shape, dtype, values) => (backend as WasmBackendLike).makeOutput(shape, dtype, undefined, values));
  bridged.add("UnsortedSegmentSum");
}

const fastSegmentSum = new Set<string>();

/**
 * Registers the linear-time UnsortedSegmentSum on `backendName`, replacing the backend's own
 * (the cpu backend's is the slow per-segment one). `output` wraps host values as the backend's output.
 */
export function registerFastUnsortedSegmentSum(
  backendName: string,
  output: (backend: KernelBackend, shape: number[], dtype: tf.DataType, values: Float32Array | Int32Array) => TensorInfo,
): void {
  if (fastSegmentSum.has(backendName)) return;
  if (tf.getKernel("UnsortedSegmentSum", backendName)) tf.unregisterKernel("UnsortedSegmentSum", backendName);
  tf.registerKernel({
    kernelName: "UnsortedSegmentSum",
    backendName,
    kernelFunc: ({ inputs, attrs, backend }) => {
      const wasm = backend as KernelBackend;
      const x = inputs.x as TensorInfo;
      const segmentIds = inputs.segmentIds as TensorInfo;
      const numSegments = (attrs as { numSegments: number }).numSegments;
      const values = wasm.readSync(x.dataId) as Float32Array | Int32Array;
      const ids = wasm.readSync(segmentIds.dataId) as Int32Array | Float32Array;
      const inner = ids.length === 0 ? 0 : values.length / ids.length;
      const out = x.dtype === "int32" ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
      for (let i = 0; i < ids.length; i++) {
        const segment = ids[i] as number;
        // As TensorFlow: ids outside [0, numSegments) are dropped.
        if (segment < 0 || segment >= numSegments) continue;
        const from = i * inner;
        const to = segment * inner;
        for (let j = 0; j < inner; j++) out[to + j] = (out[to + j] as number) + (values[from + j] as number);
      }
      return output(wasm, [numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype, out);
    },
  });
  fastSegmentSum.add(backendName);
}

let matMulWrapped = false;

interface WasmHeapBackend extends KernelBackend {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): tf.backend_util.TypedArray;
}

/**
 * The wasm backend's matmul is fast only as a plain 2-D product (XNNPACK's fully-connected
 * operator); with transposeA/transposeB or a batch dimension it falls to a slow loop — measured
 * here 2.8 s against 0.12 s for [512, 1024] × [1024, 512] transposed, 1.9 s for a [2, 512, 512]
 * batch. Every matmul gradient transposes, and attention is batched, so this wraps BatchMatMul
 * on wasm: transposes become explicit Transpose kernels, a broadcast right operand folds the
 * batch into the rows, and a true batch runs one 2-D product per item. Same values.
 * _FusedMatMul only gets the explicit transposes.
 */
export function materializeWasmMatMulTransposes(): void {
  if (matMulWrapped) return;
  const transpose = tf.getKernel("Transpose", "wasm");
  const reshape = tf.getKernel("Reshape", "wasm");
  const slice = tf.getKernel("Slice", "wasm");
  if (!transpose || !reshape || !slice) return;
  for (const kernelName of ["BatchMatMul", "_FusedMatMul"]) {
    const original = tf.getKernel(kernelName, "wasm");
    if (!original) continue;
    tf.unregisterKernel(kernelName, "wasm");
    tf.registerKernel({
      kernelName,
      backendName: "wasm",
      kernelFunc: ({ inputs, attrs, backend }) => {
        const wasm = backend as WasmHeapBackend;
        const { transposeA, transposeB } = (attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean };
        const temporaries: TensorInfo[] = [];
        const keep = (info: TensorInfo) => {
          temporaries.push(info);
          return info;
        };
        const swapLast = (info: TensorInfo): TensorInfo => {
          const perm = info.shape.map((_, i) => i);
          const last = perm.length - 1;
          [perm[last - 1], perm[last]] = [perm[last] as number, perm[last - 1] as number];
          return keep(transpose.kernelFunc({ inputs: { x: info }, attrs: { perm }, backend }) as TensorInfo);
        };
        const toShape = (info: TensorInfo, shape: number[]) =>
          keep(reshape.kernelFunc({ inputs: { x: info }, attrs: { shape }, backend }) as TensorInfo);
        const plainAttrs = { ...attrs, transposeA: false, transposeB: false };
        try {
          const a = transposeA ? swapLast(inputs.a as TensorInfo) : (inputs.a as TensorInfo);
          const b = transposeB ? swapLast(inputs.b as TensorInfo) : (inputs.b as TensorInfo);
          const product = (x: TensorInfo, y: TensorInfo) =>
            original.kernelFunc({ inputs: { ...inputs, a: x, b: y }, attrs: plainAttrs, backend }) as TensorInfo;
          const batchA = a.shape.slice(0, -2);
          const batchB = b.shape.slice(0, -2);
          const countA = batchA.reduce((p, d) => p * d, 1);
          const countB = batchB.reduce((p, d) => p * d, 1);
          const [m, k] = a.shape.slice(-2) as [number, number];
          const n = b.shape[b.shape.length - 1] as number;
          const plain2d = kernelName === "BatchMatMul" && a.dtype === "float32" && b.dtype === "float32";
          if (!plain2d || (countA === 1 && countB === 1) || (countA !== countB && countA !== 1 && countB !== 1)) {
            return product(a, b);
          }
          const batch = countA >= countB ? batchA : batchB;
          const outShape = [...batch, m, n];
          if (countB === 1) {
            // The right operand is shared: fold the batch into the rows, one 2-D product.
            const flat = keep(product(toShape(a, [countA * m, k]), toShape(b, [k, n])));
            return reshape.kernelFunc({ inputs: { x: flat }, attrs: { shape: outShape }, backend }) as TensorInfo;
          }
          const a3 = toShape(a, [countA, m, k]);
          const b3 = toShape(b, [countB, k, n]);
          const out = wasm.makeOutput(outShape, "float32");
          const count = Math.max(countA, countB);
          for (let i = 0; i < count; i++) {
            // Each item's slices and product are freed before the next: with attention-sized
            // items, keeping them all would hold a second copy of both operands and the output.
            const itemStart = temporaries.length;
            const ai = toShape(keep(slice.kernelFunc({ inputs: { x: a3 }, attrs: { begin: [countA === 1 ? 0 : i, 0, 0], size: [1, m, k] }, backend }) as TensorInfo), [m, k]);
            const bi = toShape(keep(slice.kernelFunc({ inputs: { x: b3 }, attrs: { begin: [i, 0, 0], size: [1, k, n] }, backend }) as TensorInfo), [k, n]);
            const result = keep(product(ai, bi));
            // Views into the wasm heap go stale when it grows, so take them after the product.
            wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(result), i * m * n);
            for (const info of temporaries.splice(itemStart)) wasm.disposeData(info.dataId);
          }
          return out;
        } finally {
          for (const info of temporaries) wasm.disposeData(info.dataId);
        }
      },
    });
  }
  matMulWrapped = true;
}
