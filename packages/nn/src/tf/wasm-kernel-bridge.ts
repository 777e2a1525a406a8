import * as tf from "@tensorflow/tfjs-core";
import type { KernelBackend, KernelConfig, NamedTensorInfoMap, TensorInfo } from "@tensorflow/tfjs-core";

import { registerFastKernels } from "./kernels.js";

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
 * Registers, for every kernel the cpu backend has and the wasm backend lacks, a wasm kernel that
 * copies its inputs to the cpu backend, runs the cpu kernel and copies the outputs back. Slower
 * than a native kernel, but exact, and only on ops wasm cannot run at all. UnsortedSegmentSum,
 * which the gradient of gather needs (the one that matters for training), is not copied: it gets
 * the one-pass host kernel of `registerFastKernels`. Returns every kernel supplied this way.
 */
export function bridgeMissingWasmKernels(): string[] {
  // tfjs-backend-wasm 4.22 has no UnsortedSegmentSum of its own.
  registerFastKernels();
  bridged.add("UnsortedSegmentSum");
  const cpu = tf.engine().findBackend("cpu");
  if (!cpu) return [...bridged].sort();
  const wasmKernels = new Set(tf.getKernelsForBackend("wasm").map((k) => k.kernelName));
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
  }
  return [...bridged].sort();
}
