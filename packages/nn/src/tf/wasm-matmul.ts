import * as tf from "@tensorflow/tfjs-core";
import type { TensorInfo } from "@tensorflow/tfjs-core";

import type { NativeMatMul } from "./native-matmul.js";
import { type WasmHeapBackend, makeHeapOutput } from "./wasm-heap.js";

let matMulWrapped = false;

let nativeMatMul: NativeMatMul | undefined;

/** The native engine behind wasm's products in this thread, when wasm is the active backend and one is in use. */
export function activeNativeMatMul(): NativeMatMul | undefined {
  return nativeMatMul && tf.getBackend() === "wasm" ? nativeMatMul : undefined;
}

/**
 * Routes the wasm backend's float32 BatchMatMul to onnxruntime's native GEMM (`openNativeMatMul`)
 * from now on in this thread, or back to the wasm product with `undefined`. Returns the previous one.
 */
export function useNativeWasmMatMul(matMul: NativeMatMul | undefined): NativeMatMul | undefined {
  const previous = nativeMatMul;
  nativeMatMul = matMul;
  return previous;
}

/**
 * The wasm backend's matmul is fast only as a plain 2-D product (XNNPACK's fully-connected
 * operator); with transposeA/transposeB or a batch dimension it falls to a slow loop — measured
 * here 2.8 s against 0.12 s for [512, 1024] × [1024, 512] transposed, 1.9 s for a [2, 512, 512]
 * batch. Every matmul gradient transposes, and attention is batched, so this wraps BatchMatMul
 * on wasm: transposes become explicit Transpose kernels, a broadcast right operand folds the
 * batch into the rows, and a true batch runs one 2-D product per item. Same values.
 * _FusedMatMul only gets the explicit transposes. With a native matmul in use
 * (`useNativeWasmMatMul`), float32 BatchMatMul instead runs there on the heap's own memory.
 */
export function materializeWasmMatMulTransposes(): void {
  if (matMulWrapped) return;
  const transpose = tf.getKernel("Transpose", "wasm");
  const reshape = tf.getKernel("Reshape", "wasm");
  if (!transpose || !reshape) return;
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
        // Item i of a [count, rows, cols] tensor as its own [rows, cols] tensor: a copy made on
        // the heap by TypedArray.set. (wasm's Slice kernel took ~3 ms per 320 × 320 item here,
        // longer than the item's product.) Views are taken after makeOutput, which may grow the heap.
        const item = (info: TensorInfo, index: number, shape: [number, number]): TensorInfo => {
          const out = keep(wasm.makeOutput(shape, "float32"));
          const size = shape[0] * shape[1];
          wasm.typedArrayFromHeap(out).set((wasm.typedArrayFromHeap(info) as Float32Array).subarray(index * size, (index + 1) * size));
          return out;
        };
        if (nativeMatMul && kernelName === "BatchMatMul") {
          const out = nativeProduct(wasm, nativeMatMul, inputs.a as TensorInfo, inputs.b as TensorInfo, transposeA ?? false, transposeB ?? false);
          if (out) return out;
        }
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
            const ai = countA === 1 ? toShape(a3, [m, k]) : item(a3, i, [m, k]);
            const bi = item(b3, i, [k, n]);
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

/**
 * BatchMatMul on the native matmul: the output is made on the wasm heap first (which may grow it),
 * then views of both operands and the output are handed to onnxruntime, which reads and writes the
 * heap in place. Undefined (the caller's wasm path runs) for anything but non-empty float32 operands.
 */
function nativeProduct(wasm: WasmHeapBackend, matMul: NativeMatMul, a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): TensorInfo | undefined {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const m = a.shape[a.shape.length - (transposeA ? 1 : 2)] as number;
  const n = b.shape[b.shape.length - (transposeB ? 2 : 1)] as number;
  const batch = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const outShape = [...batch, m, n];
  if ([...a.shape, ...b.shape, ...outShape].some((d) => d === 0)) return undefined;
  const out = makeHeapOutput(wasm, outShape);
  matMul.product(
    wasm.typedArrayFromHeap(a) as Float32Array,
    a.shape,
    wasm.typedArrayFromHeap(b) as Float32Array,
    b.shape,
    transposeA,
    transposeB,
    wasm.typedArrayFromHeap(out) as Float32Array,
    outShape,
  );
  return out;
}
