import { type SyncOnnxSession, OnnxGraphBuilder, float32Tensor, openSyncOnnxSession } from "@autosing/onnx";

/**
 * Matrix products on onnxruntime's native CPU kernels (MLAS: AVX2/AVX-512 GEMM on a thread pool),
 * called synchronously so a tfjs wasm kernel can use them. Measured on the 2-core training
 * machine: 130–360 GFLOP/s against 25–35 for the wasm backend's XNNPACK (one core, 128-bit SIMD)
 * on the trainer's shapes — see packages/nn/README.md.
 */
export interface NativeMatMul {
  /** The intra-op threads each product runs on. */
  readonly threads: number;
  /**
   * Writes `a · b` (numpy matmul broadcasting over the leading dimensions, each operand's last two
   * swapped first when its transpose flag is set) into `out`. Views into a wasm heap are fine:
   * nothing is copied in or out.
   */
  product(a: Float32Array, aShape: readonly number[], b: Float32Array, bShape: readonly number[], transposeA: boolean, transposeB: boolean, out: Float32Array, outShape: readonly number[]): void;
  /** A fused graph of another kernel (built on first use, then kept), on the same threads and released with the products'. */
  graph(key: string, build: () => Uint8Array): SyncOnnxSession;
  release(): void;
}

/**
 * One small graph per operand ranks and transpose flags, every dimension symbolic: a Transpose of
 * the last two axes where a flag says so, then MatMul. onnxruntime's optimiser folds the
 * transposes into its FusedMatMul, so no transposed copy is made.
 */
function productGraph(rankA: number, rankB: number, transposeA: boolean, transposeB: boolean): Uint8Array {
  const graph = new OnnxGraphBuilder("autosing_matmul");
  const swapLast = (rank: number) => [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
  graph.addInput("a", "float32", Array.from({ length: rankA }, (_, i) => `a${i}`));
  graph.addInput("b", "float32", Array.from({ length: rankB }, (_, i) => `b${i}`));
  let left = "a";
  let right = "b";
  if (transposeA) graph.addNode("Transpose", ["a"], [(left = "a_t")], { perm: swapLast(rankA) });
  if (transposeB) graph.addNode("Transpose", ["b"], [(right = "b_t")], { perm: swapLast(rankB) });
  graph.addNode("MatMul", [left, right], ["y"]);
  const rankY = Math.max(rankA, rankB);
  graph.addOutput("y", "float32", Array.from({ length: rankY }, (_, i) => `y${i}`));
  return graph.toBytes();
}

/** Opens the native matmul on `threads` intra-op threads; throws `OnnxError` where onnxruntime-node has no synchronous binding. */
export function openNativeMatMul(threads: number): NativeMatMul {
  const sessions = new Map<string, SyncOnnxSession>();
  const graph = (key: string, build: () => Uint8Array): SyncOnnxSession => {
    let session = sessions.get(key);
    if (!session) {
      session = openSyncOnnxSession(build(), { threads });
      sessions.set(key, session);
    }
    return session;
  };
  const sessionFor = (rankA: number, rankB: number, transposeA: boolean, transposeB: boolean): SyncOnnxSession =>
    graph(`matmul:${rankA}:${rankB}:${transposeA ? "T" : "N"}${transposeB ? "T" : "N"}`, () => productGraph(rankA, rankB, transposeA, transposeB));
  // Fails here, not in the first training step, where the binding is missing.
  sessionFor(2, 2, false, false);
  return {
    threads,
    product(a, aShape, b, bShape, transposeA, transposeB, out, outShape) {
      sessionFor(aShape.length, bShape.length, transposeA, transposeB).run(
        { a: float32Tensor(a, aShape), b: float32Tensor(b, bShape) },
        { y: float32Tensor(out, outShape) },
      );
    },
    graph,
    release() {
      for (const session of sessions.values()) session.release();
      sessions.clear();
    },
  };
}
